namespace Lkm.Sdk.Codecs;

/// <summary>Malformed codec bitstream data (parameter sets, decoder config records, ADTS headers, NAL unit framing).</summary>
public sealed class CodecFormatException : FormatException
{
    public CodecFormatException(string message)
        : base(message)
    {
    }
}
