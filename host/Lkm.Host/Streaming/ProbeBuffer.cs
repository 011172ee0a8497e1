using Lkm.Sdk.Media;

namespace Lkm.Host.Streaming;

/// <summary>
/// Packets a publisher sent before its track set was known. They are replayed, in order, when the
/// stream goes live; bounded, so a publisher that never completes its tracks cannot grow memory.
/// Holds a reference on each packet's buffer. Owned by the source's event loop.
/// </summary>
internal sealed class ProbeBuffer
{
    public const int MaxPackets = 4096;

    private readonly List<MediaPacket> _packets = [];

    public bool IsFull => _packets.Count >= MaxPackets;

    public IReadOnlyList<MediaPacket> Packets => _packets;

    public void Add(in MediaPacket packet)
    {
        if (IsFull)
        {
            _packets[0].Release();
            _packets.RemoveAt(0);
        }

        packet.Retain();
        _packets.Add(packet);
    }

    public void Clear()
    {
        foreach (var p in _packets)
        {
            p.Release();
        }

        _packets.Clear();
    }
}
