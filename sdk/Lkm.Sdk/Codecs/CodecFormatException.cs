namespace Lkm.Sdk.Codecs;

/// <summary>Malformed codec bitstream data (parameter sets, decoder config records, ADTS headers, NAL unit framing).</summary>
public sealed class CodecFormatException : FormatException
{
    /// <summary>Creates the exception with a description of what was wrong in the input.</summary>
    public CodecFormatException(string message)
        : base(message)
    {
    }
}
