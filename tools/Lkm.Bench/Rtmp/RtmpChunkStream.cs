using System.Buffers;

namespace Lkm.Bench.Rtmp;

/// <summary>Per chunk-stream-id state: the last header (fmt 1-3 chunks inherit from it) and the message in progress.</summary>
internal sealed class RtmpChunkStream
{
    public const int PrefixCapacity = 16;

    public RtmpChunkStream(int id)
    {
        Id = id;
    }

    public int Id { get; }

    /// <summary>A type-0 or type-1 header has been seen, so length and type are known.</summary>
    public bool HasHeader { get; set; }

    public uint Timestamp { get; set; }

    public uint TimestampDelta { get; set; }

    public int MessageLength { get; set; }

    public byte TypeId { get; set; }

    public uint StreamId { get; set; }

    /// <summary>The last type 0-2 header used an extended timestamp, so type-3 chunks carry one too.</summary>
    public bool ExtendedTimestamp { get; set; }

    /// <summary>Bytes of the current message received so far; 0 = the next chunk starts a message.</summary>
    public int Received { get; set; }

    /// <summary>Pooled buffer for a control/command message; null for media.</summary>
    public byte[]? Body { get; set; }

    public byte[] Prefix { get; } = new byte[PrefixCapacity];

    public void Append(ReadOnlySpan<byte> payload)
    {
        if (Received < PrefixCapacity)
        {
            int n = Math.Min(PrefixCapacity - Received, payload.Length);
            payload[..n].CopyTo(Prefix.AsSpan(Received));
        }

        if (Body is not null)
        {
            payload.CopyTo(Body.AsSpan(Received));
        }

        Received += payload.Length;
    }

    public void ResetMessage()
    {
        Received = 0;
        if (Body is not null)
        {
            ArrayPool<byte>.Shared.Return(Body);
            Body = null;
        }
    }
}
