using Lkm.Sdk.Buffers;
using Lkm.Sdk.MpegPs;
using Lkm.Sdk.Rtp;

namespace Lkm.Plugins.Gb28181.Sources;

/// <summary>
/// RTP packets carrying MPEG-PS, in sequence order, into a <see cref="PsIngest"/>. Over UDP the packets go through a
/// reorder window first (in-order ones straight from the receive buffer, no copy); over TCP they come in order. A
/// sequence gap makes the demuxer drop the frame it cut and start again at the next pack, so no frame with missing
/// bytes is passed on. A marker bit hands the frame on at once (instead of when the next one starts) — unless the
/// device marks packets inside a frame, seen as a marked packet followed by one with the same time stamp: then
/// markers are ignored for this source. Not thread safe: the source calls it under its lock.
/// </summary>
internal sealed class RtpPsReceiver : IDisposable
{
    private readonly PsIngest _ingest;
    private readonly RtpReorderBuffer? _reorder;
    private bool _started;
    private ushort _expected;
    private bool _lastMarked;
    private uint _lastTimestamp;

    /// <param name="ingest">Where the PS goes.</param>
    /// <param name="reorderWindow">Packets held for reordering; 0 for an ordered transport (TCP).</param>
    /// <param name="reorderDelayMs">Longest wait for a missing packet.</param>
    public RtpPsReceiver(PsIngest ingest, int reorderWindow, int reorderDelayMs)
    {
        _ingest = ingest;
        if (reorderWindow > 0)
        {
            _reorder = new RtpReorderBuffer(reorderWindow, reorderDelayMs);
        }
    }

    /// <summary>RTP packets taken in.</summary>
    public long Packets { get; private set; }

    /// <summary>Sequence gaps seen in order (each made the demuxer drop what it was joining).</summary>
    public long Gaps { get; private set; }

    /// <summary>The device marks packets inside frames, so marker bits are ignored.</summary>
    public bool MarkersIgnored { get; private set; }

    /// <summary>The reorder window's counters (UDP), or null over TCP.</summary>
    public RtpReorderBuffer? Reorder => _reorder;

    /// <summary>One RTP packet as received (<paramref name="packet"/> is only valid during the call).</summary>
    public void OnPacket(ReadOnlySpan<byte> packet, in RtpHeader header, int payloadOffset, int payloadLength, long nowMs)
    {
        if (_reorder is null || _reorder.TryPassThrough(header.SequenceNumber))
        {
            Process(header, packet.Slice(payloadOffset, payloadLength));
            return;
        }

        var copy = PooledBuffer.CopyOf(packet);
        _reorder.Push(new RtpPacket(copy, header, payloadOffset, payloadLength), nowMs);
        Drain(nowMs);
    }

    /// <summary>The input ended: what the reorder window holds goes on, then the last frame.</summary>
    public void Finish()
    {
        if (_reorder is not null)
        {
            _reorder.Flush();
            Drain(0);
        }

        _ingest.Flush();
    }

    public void Dispose() => _reorder?.Dispose();

    private void Drain(long nowMs)
    {
        while (_reorder!.TryPop(nowMs, out var ordered))
        {
            try
            {
                Process(ordered.Header, ordered.Payload.Span);
            }
            finally
            {
                ordered.Release();
            }
        }
    }

    private void Process(in RtpHeader header, ReadOnlySpan<byte> payload)
    {
        Packets++;
        if (_started && header.SequenceNumber != _expected)
        {
            Gaps++;
            _ingest.MarkLoss();
        }
        else if (_lastMarked && _started && header.Timestamp == _lastTimestamp && !MarkersIgnored)
        {
            // A marked packet was not the last of its frame: this device's markers cannot be trusted.
            MarkersIgnored = true;
        }

        _started = true;
        _expected = (ushort)(header.SequenceNumber + 1);
        _lastTimestamp = header.Timestamp;
        _lastMarked = header.Marker;
        _ingest.Feed(payload);
        if (header.Marker && !MarkersIgnored && _ingest.Demuxer.BufferedBytes == 0)
        {
            _ingest.Flush();
        }
    }
}
