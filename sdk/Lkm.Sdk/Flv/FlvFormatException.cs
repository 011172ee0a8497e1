namespace Lkm.Sdk.Flv;

/// <summary>Input that is not (or no longer) a well-formed FLV stream.</summary>
public sealed class FlvFormatException : FormatException
{
    public FlvFormatException(string message)
        : base(message)
    {
    }
}
