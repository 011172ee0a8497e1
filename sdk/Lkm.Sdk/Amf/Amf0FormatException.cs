namespace Lkm.Sdk.Amf;

/// <summary>Malformed or hostile AMF0 input.</summary>
public sealed class Amf0FormatException : FormatException
{
    public Amf0FormatException(string message)
        : base(message)
    {
    }
}
