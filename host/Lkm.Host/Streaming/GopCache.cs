using Lkm.Sdk.Media;

namespace Lkm.Host.Streaming;

/// <summary>
/// The packets since the last video keyframe (for audio-only streams: the last second), so a new
/// trans stream or player starts at once instead of waiting for the next keyframe. Holds a reference
/// on each packet's buffer.
/// </summary>
public sealed class GopCache : IDisposable
{
    private const long AudioOnlySpanMs = 1000;
    private readonly List<MediaPacket> _packets = [];
    private readonly int _maxBytes;
    private long _bytes;

    public GopCache(int maxBytes)
    {
        _maxBytes = maxBytes;
    }

    public IReadOnlyList<MediaPacket> Packets => _packets;

    public int Count => _packets.Count;

    public long Bytes => _bytes;

    /// <summary>Adds a packet; <paramref name="hasVideo"/> says whether the stream has a video track.</summary>
    public void Add(in MediaPacket packet, bool isVideo, bool hasVideo)
    {
        if (hasVideo)
        {
            if (isVideo && packet.IsKeyFrame)
            {
                Clear();
            }
            else if (_packets.Count == 0)
            {
                // Nothing before the first keyframe is useful to a player.
                return;
            }
        }
        else
        {
            TrimAudioOnly(packet.Dts);
        }

        if (_bytes + packet.Buffer.Length > _maxBytes)
        {
            // A GOP this large is not worth caching; players wait for the next keyframe.
            Clear();
            return;
        }

        packet.Retain();
        _packets.Add(packet);
        _bytes += packet.Buffer.Length;
    }

    public void Clear()
    {
        foreach (var p in _packets)
        {
            p.Release();
        }

        _packets.Clear();
        _bytes = 0;
    }

    public void Dispose() => Clear();

    private void TrimAudioOnly(long dts)
    {
        int drop = 0;
        while (drop < _packets.Count && dts - _packets[drop].Dts > AudioOnlySpanMs)
        {
            _bytes -= _packets[drop].Buffer.Length;
            _packets[drop].Release();
            drop++;
        }

        if (drop > 0)
        {
            _packets.RemoveRange(0, drop);
        }
    }
}
