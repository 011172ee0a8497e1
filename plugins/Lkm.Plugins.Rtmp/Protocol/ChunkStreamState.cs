namespace Lkm.Plugins.Rtmp.Protocol;

/// <summary>What the chunk layer remembers per chunk stream id: the last header (for fmt 1–3) and the message being reassembled.</summary>
internal sealed class ChunkStreamState
{
    public ChunkStreamState(int id)
    {
        Id = id;
    }

    public int Id { get; }

    /// <summary>Absolute timestamp of the current (or last) message, modulo 2^32.</summary>
    public uint Timestamp { get; set; }

    /// <summary>Delta a fmt-3 chunk starting a new message adds (after fmt 0 it is that header's timestamp field, as ffmpeg and SRS read it).</summary>
    public uint TimestampDelta { get; set; }

    /// <summary>The last header's 24-bit timestamp field was 0xFFFFFF, so fmt-3 chunks carry a 4-byte extended timestamp too.</summary>
    public bool HasExtendedTimestamp { get; set; }

    public uint ExtendedTimestamp { get; set; }

    public int MessageLength { get; set; }

    public RtmpMessageType MessageType { get; set; }

    public int MessageStreamId { get; set; }

    /// <summary>A message on this chunk stream has started and not all of its bytes have arrived.</summary>
    public bool InProgress { get; set; }

    /// <summary>Bytes of the current message received so far (copied into <see cref="Buffer"/>).</summary>
    public int BytesRead { get; set; }

    /// <summary>Pooled reassembly buffer; grows with the bytes actually received, never with the declared length alone.</summary>
    public byte[]? Buffer { get; set; }
}
