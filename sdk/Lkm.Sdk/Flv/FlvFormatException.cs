namespace Lkm.Sdk.Flv;

/// <summary>Input that is not (or no longer) a well-formed FLV stream.</summary>
public sealed class FlvFormatException : FormatException
{
    /// <summary>Creates the exception with a description of what was wrong in the input.</summary>
    public FlvFormatException(string message)
        : base(message)
    {
    }
}
