namespace Lkm.Sdk.MpegTs;

/// <summary>Input that is not (or no longer) well-formed MPEG-TS: a bad packet header, PSI section or PES header.</summary>
public sealed class TsFormatException : FormatException
{
    /// <summary>Creates the exception with a description of what was wrong in the input.</summary>
    public TsFormatException(string message)
        : base(message)
    {
    }
}
