using System.Buffers;

namespace Lkm.Plugins.Rtmp.Protocol;

/// <summary>
/// Splits an aggregate message (type 22) into its sub-messages. Each sub-message is an FLV-tag-like
/// record: type (1), size (3), timestamp (3 + 1 high byte), stream id (3), body, back pointer (4).
/// Sub-message timestamps are rebased onto the aggregate's: ts = aggregate + (sub - first sub).
/// </summary>
public ref struct AggregateMessageReader
{
    private const int SubHeaderSize = 11;
    private SequenceReader<byte> _reader;
    private readonly RtmpMessage _aggregate;
    private bool _hasFirst;
    private uint _firstTimestamp;

    public AggregateMessageReader(in RtmpMessage aggregate)
    {
        _aggregate = aggregate;
        _reader = new SequenceReader<byte>(aggregate.Payload);
    }

    /// <summary>Reads the next sub-message; false at the end.</summary>
    /// <exception cref="RtmpProtocolException">A sub-message runs past the end of the aggregate.</exception>
    public bool TryReadNext(out RtmpMessage message)
    {
        message = default;
        if (_reader.Remaining == 0)
        {
            return false;
        }

        if (_reader.Remaining < SubHeaderSize)
        {
            throw new RtmpProtocolException($"aggregate message ends inside a sub-message header ({_reader.Remaining} bytes left)");
        }

        Span<byte> header = stackalloc byte[SubHeaderSize];
        _reader.TryCopyTo(header);
        _reader.Advance(SubHeaderSize);
        var type = (RtmpMessageType)header[0];
        int size = (header[1] << 16) | (header[2] << 8) | header[3];
        uint timestamp = (uint)((header[7] << 24) | (header[4] << 16) | (header[5] << 8) | header[6]);
        if (_reader.Remaining < size)
        {
            throw new RtmpProtocolException($"aggregate sub-message of {size} bytes exceeds the {_reader.Remaining} bytes left");
        }

        var body = _reader.UnreadSequence.Slice(0, size);
        _reader.Advance(size);

        // The back pointer (previous tag size) is not needed; tolerate it missing at the very end.
        _reader.Advance(Math.Min(4, _reader.Remaining));

        if (!_hasFirst)
        {
            _hasFirst = true;
            _firstTimestamp = timestamp;
        }

        uint rebased = unchecked(_aggregate.Timestamp + (timestamp - _firstTimestamp));
        message = new RtmpMessage(_aggregate.ChunkStreamId, type, rebased, _aggregate.StreamId, body);
        return true;
    }
}
