using System.Buffers;
using Lkm.Bench.Net;

namespace Lkm.Bench.Http;

/// <summary>
/// Incremental decoder of an HTTP/1.1 chunked body: chunk data goes straight to a sink as it arrives
/// (never buffered); an incomplete size line is left unconsumed. Throws only <see cref="TransportFormatException"/>.
/// </summary>
public sealed class ChunkedBodyDecoder
{
    private const int MaxSizeLineLength = 1024;

    private State _state = State.Size;
    private long _left;

    private enum State : byte
    {
        Size,
        Data,
        DataEnd,
        Done,
    }

    /// <summary>True once the last (zero-size) chunk has been read: the response is over.</summary>
    public bool IsDone => _state == State.Done;

    /// <summary>Consumes what it can; returns <see cref="IsDone"/>.</summary>
    public bool Decode(ref SequenceReader<byte> reader, IPayloadSink sink)
    {
        while (!reader.End && _state != State.Done)
        {
            switch (_state)
            {
                case State.Size:
                    if (!TryReadSize(ref reader))
                    {
                        return false;
                    }

                    break;
                case State.Data:
                    var span = reader.UnreadSpan;
                    int take = (int)Math.Min(span.Length, _left);
                    sink.Feed(span[..take]);
                    reader.Advance(take);
                    _left -= take;
                    if (_left == 0)
                    {
                        _state = State.DataEnd;
                    }

                    break;
                case State.DataEnd:
                    if (reader.Remaining < 2)
                    {
                        return false;
                    }

                    if (!reader.IsNext("\r\n"u8, advancePast: true))
                    {
                        throw new TransportFormatException("chunk data not followed by CRLF");
                    }

                    _state = State.Size;
                    break;
            }
        }

        return IsDone;
    }

    private bool TryReadSize(ref SequenceReader<byte> reader)
    {
        if (!reader.TryReadTo(out ReadOnlySequence<byte> line, (byte)'\n'))
        {
            if (reader.Remaining > MaxSizeLineLength)
            {
                throw new TransportFormatException("chunk size line too long");
            }

            return false;
        }

        if (line.Length > MaxSizeLineLength)
        {
            throw new TransportFormatException("chunk size line too long");
        }

        Span<byte> text = stackalloc byte[(int)line.Length];
        line.CopyTo(text);
        if (text.IsEmpty || text[^1] != '\r')
        {
            throw new TransportFormatException("chunk size line not ended by CRLF");
        }

        text = text[..^1];
        int extension = text.IndexOf((byte)';');
        if (extension >= 0)
        {
            text = text[..extension];
        }

        text = text.Trim((byte)' ');
        if (text.IsEmpty || text.Length > 8)
        {
            throw new TransportFormatException("bad chunk size");
        }

        long size = 0;
        foreach (byte b in text)
        {
            int digit = b switch
            {
                >= (byte)'0' and <= (byte)'9' => b - '0',
                >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
                >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
                _ => throw new TransportFormatException("bad chunk size"),
            };
            size = (size << 4) | (uint)digit;
        }

        _left = size;
        _state = size == 0 ? State.Done : State.Data;
        return true;
    }
}
