using Lkm.Sdk.Media;

namespace Lkm.Benchmarks.Media;

/// <summary>
/// Hands out the packets of a recorded sequence forever: after the last one it starts again with every
/// timestamp moved one sequence-length later, so muxers see monotonic timestamps and the same GOP
/// pattern on every lap. The packets stay owned by the sequence (no retain/release per use).
/// </summary>
public sealed class PacketCursor
{
    private readonly IReadOnlyList<MediaPacket> _packets;
    private readonly long _lapMs;
    private long _offset;
    private int _index;

    public PacketCursor(IReadOnlyList<MediaPacket> packets, long lapMs)
    {
        if (packets.Count == 0)
        {
            throw new ArgumentException("no packets", nameof(packets));
        }

        _packets = packets;
        _lapMs = lapMs;
    }

    public MediaPacket Next()
    {
        var packet = _packets[_index];
        var shifted = packet.WithTimestamps(packet.Dts + _offset, packet.Pts + _offset);
        if (++_index == _packets.Count)
        {
            _index = 0;
            _offset += _lapMs;
        }

        return shifted;
    }

    /// <summary>Dts at which the next packet starts a new lap (the sequence's start, shifted).</summary>
    public bool AtLapStart => _index == 0;
}
