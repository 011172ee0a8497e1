using System.Buffers.Binary;
using System.Text;

namespace Lkm.Sdk.Amf;

/// <summary>
/// Decodes AMF0 values from a span. Hostile input is bounded: nesting is limited to
/// <see cref="Amf0.MaxDepth"/>, every length is checked against the bytes left, and collections
/// never pre-allocate more than the remaining input could fill.
/// </summary>
internal ref struct Amf0Decoder
{
    private readonly ReadOnlySpan<byte> _data;
    private int _position;

    // Complex values in order of appearance, for AMF0 references (0x07).
    private List<object>? _references;

    // Complex values still being decoded: a reference to one of them would make a cycle.
    private List<object>? _open;

    public Amf0Decoder(ReadOnlySpan<byte> data)
    {
        _data = data;
        _position = 0;
        _references = null;
        _open = null;
    }

    public readonly int Position => _position;

    public readonly bool IsAtEnd => _position >= _data.Length;

    public object? ReadValue() => ReadValue(0);

    private object? ReadValue(int depth)
    {
        if (depth >= Amf0.MaxDepth)
        {
            throw new Amf0FormatException($"AMF0 nesting deeper than {Amf0.MaxDepth} levels.");
        }

        var marker = (Amf0Marker)ReadByte();
        switch (marker)
        {
            case Amf0Marker.Number:
                return BinaryPrimitives.ReadDoubleBigEndian(Take(8));
            case Amf0Marker.Boolean:
                return ReadByte() != 0;
            case Amf0Marker.String:
                return ReadUtf8(ReadUInt16());
            case Amf0Marker.LongString:
            case Amf0Marker.XmlDocument:
                return ReadUtf8(ReadUInt32());
            case Amf0Marker.Null:
            case Amf0Marker.Undefined:
            case Amf0Marker.Unsupported:
                return null;
            case Amf0Marker.Object:
                return ReadProperties(new Amf0Object(), depth);
            case Amf0Marker.TypedObject:
            {
                var typed = new Amf0Object { ClassName = ReadUtf8(ReadUInt16()) };
                return ReadProperties(typed, depth);
            }

            case Amf0Marker.EcmaArray:
            {
                uint declaredCount = ReadUInt32();
                return ReadProperties(new Amf0Object { IsEcmaArray = true }, depth, declaredCount);
            }

            case Amf0Marker.StrictArray:
                return ReadStrictArray(depth);
            case Amf0Marker.Date:
                return ReadDate();
            case Amf0Marker.Reference:
            {
                int index = ReadUInt16();
                if (_references is null || index >= _references.Count)
                {
                    throw new Amf0FormatException($"AMF0 reference {index} points to no earlier object.");
                }

                var referenced = _references[index];
                if (_open!.Exists(o => ReferenceEquals(o, referenced)))
                {
                    throw new Amf0FormatException($"AMF0 reference {index} points to an enclosing object (cycle).");
                }

                return referenced;
            }

            case Amf0Marker.AvmPlusObject:
                throw new Amf0FormatException("AMF3 values (AVM+ marker) are not supported.");
            default:
                throw new Amf0FormatException($"Unsupported AMF0 type marker 0x{(byte)marker:X2} at offset {_position - 1}.");
        }
    }

    private Amf0Object ReadProperties(Amf0Object target, int depth, uint declaredCount = 0)
    {
        Open(target);
        while (true)
        {
            // Some encoders end an ECMA array at the declared count without the end marker.
            if (target.IsEcmaArray && IsAtEnd && target.Count >= declaredCount)
            {
                break;
            }

            int keyLength = ReadUInt16();
            if (keyLength == 0 && Peek() == (byte)Amf0Marker.ObjectEnd)
            {
                _position++;
                break;
            }

            string key = ReadUtf8((uint)keyLength);
            target.Add(key, ReadValue(depth + 1));
        }

        Close();
        return target;
    }

    private List<object?> ReadStrictArray(int depth)
    {
        uint count = ReadUInt32();
        if (count > (uint)(_data.Length - _position))
        {
            throw new Amf0FormatException($"AMF0 strict array of {count} items is longer than the data left.");
        }

        var list = new List<object?>((int)count);
        Open(list);
        for (uint i = 0; i < count; i++)
        {
            list.Add(ReadValue(depth + 1));
        }

        Close();
        return list;
    }

    private DateTime ReadDate()
    {
        double milliseconds = BinaryPrimitives.ReadDoubleBigEndian(Take(8));
        Take(2); // time zone: reserved, always UTC in practice
        const double maxMilliseconds = 253402300799999; // 9999-12-31T23:59:59.999Z
        const double minMilliseconds = -62135596800000; // 0001-01-01T00:00:00Z
        if (double.IsNaN(milliseconds) || milliseconds < minMilliseconds || milliseconds > maxMilliseconds)
        {
            throw new Amf0FormatException("AMF0 date out of range.");
        }

        return DateTime.UnixEpoch.AddMilliseconds(milliseconds);
    }

    private void Open(object value)
    {
        _references ??= [];
        _references.Add(value);
        _open ??= [];
        _open.Add(value);
    }

    private readonly void Close() => _open!.RemoveAt(_open.Count - 1);

    private string ReadUtf8(uint length)
    {
        if (length == 0)
        {
            return string.Empty;
        }

        return Encoding.UTF8.GetString(Take(length));
    }

    private byte ReadByte() => Take(1)[0];

    private readonly byte Peek()
    {
        if (_position >= _data.Length)
        {
            throw new Amf0FormatException("AMF0 data ends inside an object.");
        }

        return _data[_position];
    }

    private ushort ReadUInt16() => BinaryPrimitives.ReadUInt16BigEndian(Take(2));

    private uint ReadUInt32() => BinaryPrimitives.ReadUInt32BigEndian(Take(4));

    private ReadOnlySpan<byte> Take(uint count)
    {
        if (count > (uint)(_data.Length - _position))
        {
            throw new Amf0FormatException($"AMF0 data ends early: {count} bytes needed at offset {_position}, {_data.Length - _position} left.");
        }

        var span = _data.Slice(_position, (int)count);
        _position += (int)count;
        return span;
    }
}
