using System.Buffers;

namespace Lkm.Sdk.Amf;

/// <summary>
/// AMF0 encoding and decoding (RTMP command and data messages, FLV script tags).
/// CLR mapping: number → double, boolean → bool, string/long string/XML → string, null/undefined → null,
/// object/ECMA array/typed object → <see cref="Amf0Object"/>, strict array → <see cref="List{T}"/> of object?,
/// date → <see cref="DateTime"/> (UTC).
/// </summary>
public static class Amf0
{
    /// <summary>Deepest nesting of objects/arrays accepted when decoding or writing.</summary>
    public const int MaxDepth = 32;

    /// <summary>Decodes every value in a command/data message body.</summary>
    public static List<object?> DecodeAll(ReadOnlySpan<byte> data)
    {
        var values = new List<object?>();
        var decoder = new Amf0Decoder(data);
        while (!decoder.IsAtEnd)
        {
            values.Add(decoder.ReadValue());
        }

        return values;
    }

    /// <summary>Decodes every value in a command/data message body held in a sequence.</summary>
    public static List<object?> DecodeAll(in ReadOnlySequence<byte> data)
    {
        if (data.IsSingleSegment)
        {
            return DecodeAll(data.FirstSpan);
        }

        if (data.Length > Array.MaxLength)
        {
            throw new Amf0FormatException("AMF0 data too large.");
        }

        var rented = ArrayPool<byte>.Shared.Rent((int)data.Length);
        try
        {
            data.CopyTo(rented);
            return DecodeAll(rented.AsSpan(0, (int)data.Length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>Decodes one value and advances the reader past it; on error the reader is not advanced.</summary>
    public static object? Decode(ref SequenceReader<byte> reader)
    {
        if (reader.End)
        {
            throw new Amf0FormatException("No AMF0 value: the data is empty.");
        }

        var unread = reader.UnreadSpan;
        if (unread.Length == reader.Remaining)
        {
            var decoder = new Amf0Decoder(unread);
            object? value = decoder.ReadValue();
            reader.Advance(decoder.Position);
            return value;
        }

        // Multi-segment: decode from a pooled copy of what is left (command messages are small).
        long remaining = reader.Remaining;
        if (remaining > Array.MaxLength)
        {
            throw new Amf0FormatException("AMF0 data too large.");
        }

        var rented = ArrayPool<byte>.Shared.Rent((int)remaining);
        try
        {
            reader.UnreadSequence.CopyTo(rented);
            var decoder = new Amf0Decoder(rented.AsSpan(0, (int)remaining));
            object? value = decoder.ReadValue();
            reader.Advance(decoder.Position);
            return value;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>Writes one value. Accepts the decoder's CLR types plus any numeric type, DateTimeOffset,
    /// any <see cref="IEnumerable{T}"/> of string/object? pairs (as an object) and any list (as a strict array).</summary>
    public static void Write(IBufferWriter<byte> output, object? value) => Amf0Encoder.WriteValue(output, value, 0);

    /// <summary>Writes several values in order, e.g. a command name, transaction id and arguments.</summary>
    public static void WriteAll(IBufferWriter<byte> output, params ReadOnlySpan<object?> values)
    {
        foreach (var value in values)
        {
            Write(output, value);
        }
    }

    /// <summary>Writes <paramref name="properties"/> as an AMF0 ECMA array (marker, count, key/value pairs, end marker), as onMetaData carries them.</summary>
    public static void WriteEcmaArray(IBufferWriter<byte> output, IEnumerable<KeyValuePair<string, object?>> properties) =>
        Amf0Encoder.WriteEcmaArray(output, properties, 0);

    /// <summary>Encodes values into a new array (for tests and one-off messages).</summary>
    public static byte[] Encode(params ReadOnlySpan<object?> values)
    {
        var buffer = new ArrayBufferWriter<byte>();
        WriteAll(buffer, values);
        return buffer.WrittenSpan.ToArray();
    }
}
