namespace Lkm.Sdk.Amf;

/// <summary>AMF0 type markers (AMF0 specification 2.1).</summary>
public enum Amf0Marker : byte
{
    /// <summary>IEEE 754 double, big-endian.</summary>
    Number = 0x00,
    /// <summary>One byte, 0 = false.</summary>
    Boolean = 0x01,
    /// <summary>UTF-8 string with a 16-bit length.</summary>
    String = 0x02,
    /// <summary>Anonymous object: key/value pairs up to <see cref="ObjectEnd"/>.</summary>
    Object = 0x03,
    /// <summary>Reserved by the specification; not supported.</summary>
    MovieClip = 0x04,
    /// <summary>The null value.</summary>
    Null = 0x05,
    /// <summary>The undefined value (read as null).</summary>
    Undefined = 0x06,
    /// <summary>Reference to an earlier complex object by its 16-bit index.</summary>
    Reference = 0x07,
    /// <summary>Associative array: a 32-bit count hint, then key/value pairs up to <see cref="ObjectEnd"/>.</summary>
    EcmaArray = 0x08,
    /// <summary>Ends an object or ECMA array (after an empty key).</summary>
    ObjectEnd = 0x09,
    /// <summary>Dense array: a 32-bit count, then that many values.</summary>
    StrictArray = 0x0A,
    /// <summary>Milliseconds since 1970 as a double, then a 16-bit time zone.</summary>
    Date = 0x0B,
    /// <summary>UTF-8 string with a 32-bit length.</summary>
    LongString = 0x0C,
    /// <summary>A value that cannot be serialized.</summary>
    Unsupported = 0x0D,
    /// <summary>Reserved by the specification; not supported.</summary>
    RecordSet = 0x0E,
    /// <summary>XML text with a 32-bit length.</summary>
    XmlDocument = 0x0F,
    /// <summary>Object with a class name.</summary>
    TypedObject = 0x10,
    /// <summary>Switch to AMF3 for the following value; not supported.</summary>
    AvmPlusObject = 0x11,
}
