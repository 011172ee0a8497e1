using System.Buffers;
using System.Buffers.Binary;
using System.Collections;
using System.Text;

namespace Lkm.Sdk.Amf;

/// <summary>Writes AMF0 values straight into an <see cref="IBufferWriter{T}"/>.</summary>
internal static class Amf0Encoder
{
    public static void WriteValue(IBufferWriter<byte> output, object? value, int depth)
    {
        switch (value)
        {
            case null:
                WriteMarker(output, Amf0Marker.Null);
                break;
            case double d:
                WriteNumber(output, d);
                break;
            case bool b:
                var span = output.GetSpan(2);
                span[0] = (byte)Amf0Marker.Boolean;
                span[1] = b ? (byte)1 : (byte)0;
                output.Advance(2);
                break;
            case string s:
                WriteString(output, s);
                break;
            case int or long or float or uint or short or ushort or byte or sbyte or ulong or decimal:
                WriteNumber(output, Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture));
                break;
            case Enum e:
                WriteNumber(output, Convert.ToDouble(e, System.Globalization.CultureInfo.InvariantCulture));
                break;
            case DateTime dateTime:
                WriteDate(output, dateTime.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(dateTime, DateTimeKind.Utc) : dateTime.ToUniversalTime());
                break;
            case DateTimeOffset dateTimeOffset:
                WriteDate(output, dateTimeOffset.UtcDateTime);
                break;
            case Amf0Object amf when amf.IsEcmaArray:
                WriteEcmaArray(output, amf, depth);
                break;
            case Amf0Object amf when amf.ClassName is not null:
                CheckDepth(depth);
                WriteMarker(output, Amf0Marker.TypedObject);
                WriteUtf8(output, amf.ClassName, longForm: false);
                WriteProperties(output, amf, depth);
                break;
            case IEnumerable<KeyValuePair<string, object?>> properties:
                CheckDepth(depth);
                WriteMarker(output, Amf0Marker.Object);
                WriteProperties(output, properties, depth);
                break;
            case IDictionary dictionary:
                CheckDepth(depth);
                WriteMarker(output, Amf0Marker.Object);
                WriteProperties(output, DictionaryPairs(dictionary), depth);
                break;
            case IList list:
                WriteStrictArray(output, list.Count, list.Cast<object?>(), depth);
                break;
            case IList<object?> genericList:
                WriteStrictArray(output, genericList.Count, genericList, depth);
                break;
            default:
                throw new ArgumentException($"Type {value.GetType()} has no AMF0 form.", nameof(value));
        }
    }

    public static void WriteEcmaArray(IBufferWriter<byte> output, IEnumerable<KeyValuePair<string, object?>> properties, int depth)
    {
        CheckDepth(depth);
        var span = output.GetSpan(5);
        span[0] = (byte)Amf0Marker.EcmaArray;
        int count = properties.TryGetNonEnumeratedCount(out int known) ? known : properties.Count();
        BinaryPrimitives.WriteUInt32BigEndian(span[1..], (uint)count);
        output.Advance(5);
        WriteProperties(output, properties, depth);
    }

    private static void WriteProperties(IBufferWriter<byte> output, IEnumerable<KeyValuePair<string, object?>> properties, int depth)
    {
        foreach (var (key, value) in properties)
        {
            if (key.Length == 0)
            {
                // An empty key followed by 0x09 would end the object early.
                throw new ArgumentException("AMF0 property names cannot be empty.", nameof(properties));
            }

            WriteUtf8(output, key, longForm: false);
            WriteValue(output, value, depth + 1);
        }

        var end = output.GetSpan(3);
        end[0] = 0;
        end[1] = 0;
        end[2] = (byte)Amf0Marker.ObjectEnd;
        output.Advance(3);
    }

    private static void WriteStrictArray(IBufferWriter<byte> output, int count, IEnumerable<object?> items, int depth)
    {
        CheckDepth(depth);
        var span = output.GetSpan(5);
        span[0] = (byte)Amf0Marker.StrictArray;
        BinaryPrimitives.WriteUInt32BigEndian(span[1..], (uint)count);
        output.Advance(5);
        foreach (var item in items)
        {
            WriteValue(output, item, depth + 1);
        }
    }

    private static IEnumerable<KeyValuePair<string, object?>> DictionaryPairs(IDictionary dictionary)
    {
        foreach (DictionaryEntry entry in dictionary)
        {
            yield return new KeyValuePair<string, object?>(entry.Key.ToString() ?? string.Empty, entry.Value);
        }
    }

    private static void WriteNumber(IBufferWriter<byte> output, double value)
    {
        var span = output.GetSpan(9);
        span[0] = (byte)Amf0Marker.Number;
        BinaryPrimitives.WriteDoubleBigEndian(span[1..], value);
        output.Advance(9);
    }

    private static void WriteString(IBufferWriter<byte> output, string value)
    {
        bool longForm = Encoding.UTF8.GetByteCount(value) > ushort.MaxValue;
        WriteMarker(output, longForm ? Amf0Marker.LongString : Amf0Marker.String);
        WriteUtf8(output, value, longForm);
    }

    private static void WriteUtf8(IBufferWriter<byte> output, string value, bool longForm)
    {
        int length = Encoding.UTF8.GetByteCount(value);
        if (!longForm && length > ushort.MaxValue)
        {
            throw new ArgumentException("AMF0 property names and class names are limited to 65535 UTF-8 bytes.", nameof(value));
        }

        int prefix = longForm ? 4 : 2;
        var span = output.GetSpan(prefix + length);
        if (longForm)
        {
            BinaryPrimitives.WriteUInt32BigEndian(span, (uint)length);
        }
        else
        {
            BinaryPrimitives.WriteUInt16BigEndian(span, (ushort)length);
        }

        Encoding.UTF8.GetBytes(value, span[prefix..]);
        output.Advance(prefix + length);
    }

    private static void WriteDate(IBufferWriter<byte> output, DateTime utc)
    {
        var span = output.GetSpan(11);
        span[0] = (byte)Amf0Marker.Date;
        BinaryPrimitives.WriteDoubleBigEndian(span[1..], (utc - DateTime.UnixEpoch).TotalMilliseconds);
        span[9] = 0;
        span[10] = 0;
        output.Advance(11);
    }

    private static void WriteMarker(IBufferWriter<byte> output, Amf0Marker marker)
    {
        output.GetSpan(1)[0] = (byte)marker;
        output.Advance(1);
    }

    private static void CheckDepth(int depth)
    {
        if (depth >= Amf0.MaxDepth)
        {
            throw new ArgumentException($"AMF0 value nested deeper than {Amf0.MaxDepth} levels (or cyclic).");
        }
    }
}
