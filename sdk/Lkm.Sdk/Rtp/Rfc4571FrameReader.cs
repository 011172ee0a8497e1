using System.Buffers;
using System.Buffers.Binary;

namespace Lkm.Sdk.Rtp;

/// <summary>
/// Cuts RFC 4571 packets out of the bytes of a stream connection, for a <c>PipeReader</c> loop:
/// <code>
/// var buffer = result.Buffer;
/// while (framer.TryRead(ref buffer, out var packet) == Rfc4571ReadStatus.Packet) { Handle(packet); }
/// pipe.AdvanceTo(buffer.Start, buffer.End);
/// </code>
/// Packets are slices of the input (no copy), valid until the pipe is advanced. One reader per connection; not thread safe.
/// <para>
/// Strict (the default): a zero length is refused. With <c>resync</c> (GB28181 devices that lose framing now
/// and then, or send garbage between packets), a frame is taken only when it looks like RTP (length at least 12,
/// version 2 after the prefix) and either carries the SSRC of the last packet or is followed by a frame that looks
/// like RTP of its own SSRC (so the first packet, and a new SSRC, wait for the next frame: at most its own length
/// plus 14 bytes more; such a packet directly followed by garbage cannot be told from garbage and is skipped). Otherwise bytes are
/// skipped one at a time until a frame qualifies; skipping more than <see cref="MaxResyncBytes"/> in a row gives
/// <see cref="Rfc4571ReadStatus.Invalid"/>.
/// </para>
/// </summary>
public sealed class Rfc4571FrameReader
{
    /// <summary>Default bound of one resync scan: more than one largest packet, so one lost prefix is always recovered.</summary>
    public const int DefaultMaxResyncBytes = 2 * Rfc4571Framing.MaxPacketLength;

    // Prefix + the fixed header up to the SSRC: what a candidate needs to be judged.
    private const int CandidateLength = Rfc4571Framing.PrefixLength + RtpHeader.FixedLength;

    private readonly bool _resync;
    private long _skippedInRun;
    private uint _lastSsrc;
    private bool _haveSsrc;

    /// <summary>A reader; <paramref name="resync"/> turns on the RTP plausibility check and the resync scan, bounded by <paramref name="maxResyncBytes"/>.</summary>
    public Rfc4571FrameReader(bool resync = false, int maxResyncBytes = DefaultMaxResyncBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxResyncBytes);
        _resync = resync;
        MaxResyncBytes = maxResyncBytes;
    }

    /// <summary>Most bytes skipped in a row before the stream is declared <see cref="Rfc4571ReadStatus.Invalid"/>.</summary>
    public int MaxResyncBytes { get; }

    /// <summary>Bytes skipped as garbage since the reader was created.</summary>
    public long SkippedBytes { get; private set; }

    /// <summary>How many times framing was lost and found again.</summary>
    public int Resyncs { get; private set; }

    /// <summary>
    /// Reads the next packet from the start of <paramref name="buffer"/> and moves <paramref name="buffer"/> past it
    /// (and past any garbage skipped); see <see cref="Rfc4571ReadStatus"/>. Never throws on bad input.
    /// </summary>
    public Rfc4571ReadStatus TryRead(ref ReadOnlySequence<byte> buffer, out ReadOnlySequence<byte> packet)
    {
        packet = default;
        Span<byte> head = stackalloc byte[CandidateLength];
        while (true)
        {
            int available = (int)Math.Min(buffer.Length, CandidateLength);
            if (available < Rfc4571Framing.PrefixLength)
            {
                return Rfc4571ReadStatus.NeedMoreData; // bytes skipped so far are already sliced off: the pipe need not hold them
            }

            var view = head[..available];
            buffer.Slice(0, available).CopyTo(view);
            int length = BinaryPrimitives.ReadUInt16BigEndian(view);
            if (!_resync)
            {
                if (length == 0)
                {
                    return Rfc4571ReadStatus.Invalid;
                }
            }
            else
            {
                var judgement = Judge(buffer, view, length);
                if (judgement == Judgement.Unknown)
                {
                    return Rfc4571ReadStatus.NeedMoreData; // bytes skipped so far are already sliced off: the pipe need not hold them
                }

                if (judgement == Judgement.Garbage)
                {
                    if (!Skip(ref buffer))
                    {
                        return Rfc4571ReadStatus.Invalid;
                    }

                    continue;
                }
            }

            if (buffer.Length < Rfc4571Framing.PrefixLength + length)
            {
                return Rfc4571ReadStatus.NeedMoreData;
            }

            packet = buffer.Slice(Rfc4571Framing.PrefixLength, length);
            buffer = buffer.Slice(packet.End);
            if (_skippedInRun > 0)
            {
                Resyncs++;
                _skippedInRun = 0;
            }

            if (_resync)
            {
                _lastSsrc = BinaryPrimitives.ReadUInt32BigEndian(head[(Rfc4571Framing.PrefixLength + 8)..]);
                _haveSsrc = true;
            }

            return Rfc4571ReadStatus.Packet;
        }
    }

    private enum Judgement
    {
        Plausible,
        Garbage,
        Unknown,
    }

    // In step, a frame of the last packet's SSRC is taken at once. Any other (the first packet, a sender's new SSRC,
    // or garbage that looks like a frame) is believed only when the frame after it looks like RTP of the same SSRC:
    // random bytes then pass about once in 2^36 tries instead of once in 4.
    private Judgement Judge(in ReadOnlySequence<byte> buffer, ReadOnlySpan<byte> view, int length)
    {
        var shape = Shape(view, length, out uint ssrc);
        if (shape != Judgement.Plausible || (_haveSsrc && ssrc == _lastSsrc))
        {
            return shape;
        }

        long nextFrame = Rfc4571Framing.PrefixLength + length;
        if (buffer.Length < nextFrame + CandidateLength)
        {
            return Judgement.Unknown;
        }

        Span<byte> next = stackalloc byte[CandidateLength];
        buffer.Slice(nextFrame, CandidateLength).CopyTo(next);
        return Shape(next, BinaryPrimitives.ReadUInt16BigEndian(next), out uint nextSsrc) == Judgement.Plausible && nextSsrc == ssrc
            ? Judgement.Plausible
            : Judgement.Garbage;
    }

    // Whether a prefix and what follows it look like an RTP packet: length at least 12, version 2; the SSRC with it.
    private static Judgement Shape(ReadOnlySpan<byte> view, int length, out uint ssrc)
    {
        ssrc = 0;
        if (length < RtpHeader.FixedLength)
        {
            return Judgement.Garbage;
        }

        if (view.Length <= Rfc4571Framing.PrefixLength)
        {
            return Judgement.Unknown;
        }

        if (view[Rfc4571Framing.PrefixLength] >> 6 != RtpHeader.Version)
        {
            return Judgement.Garbage;
        }

        if (view.Length < CandidateLength)
        {
            return Judgement.Unknown;
        }

        ssrc = BinaryPrimitives.ReadUInt32BigEndian(view[(Rfc4571Framing.PrefixLength + 8)..]);
        return Judgement.Plausible;
    }

    private bool Skip(ref ReadOnlySequence<byte> buffer)
    {
        buffer = buffer.Slice(1);
        _skippedInRun++;
        SkippedBytes++;
        return _skippedInRun <= MaxResyncBytes;
    }
}
