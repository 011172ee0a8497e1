namespace Lkm.Sdk.Amf;

/// <summary>Malformed or hostile AMF0 input.</summary>
public sealed class Amf0FormatException : FormatException
{
    /// <summary>Creates the exception with a description of what was wrong in the input.</summary>
    public Amf0FormatException(string message)
        : base(message)
    {
    }
}
