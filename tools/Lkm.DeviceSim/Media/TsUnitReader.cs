using Lkm.Sdk.Codecs;
using Lkm.Sdk.MpegPs;
using Lkm.Sdk.MpegTs;

namespace Lkm.DeviceSim.Media;

/// <summary>
/// Turns ffmpeg's MPEG-TS into <see cref="MediaUnit"/>s: one unit per video PES, one per ADTS frame (ffmpeg packs
/// several in one PES), time stamps unwrapped and made to start at 0, then put back in DTS order within a one
/// second window (ffmpeg's muxer lets audio PES trail the video by up to 0.7 s). Not thread safe.
/// </summary>
internal sealed class TsUnitReader : ITsPesReceiver
{
    private const long Window90 = 90_000;

    private readonly PriorityQueue<MediaUnit, (long Dts, long Order)> _pending = new();
    private MpegTimestampUnwrapper _videoClock;
    private MpegTimestampUnwrapper _audioClock;
    private long? _origin;
    private long _order;
    private long _newestDts = long.MinValue;

    /// <summary>Video stream type of the program map (0 until it is read, or when it has no H.264/H.265 video).</summary>
    public byte VideoStreamType { get; private set; }

    /// <summary>Audio stream type of the program map (0 until it is read, or without AAC).</summary>
    public byte AudioStreamType { get; private set; }

    /// <summary>True once a program map was read.</summary>
    public bool HasMap { get; private set; }

    /// <summary>Units out of the reorder window, oldest first; with <paramref name="all"/> everything still held (end of input).</summary>
    public bool TryTake(bool all, out MediaUnit unit)
    {
        if (_pending.TryPeek(out unit, out var key) && (all || _newestDts - key.Dts >= Window90))
        {
            _pending.Dequeue();
            return true;
        }

        unit = default;
        return false;
    }

    public void OnProgramMap(ProgramMapTable map)
    {
        HasMap = true;
        foreach (var stream in map.Streams)
        {
            if (VideoStreamType == 0 && stream.StreamType is TsStreamType.H264 or TsStreamType.H265)
            {
                VideoStreamType = stream.StreamType;
            }
            else if (AudioStreamType == 0 && stream.StreamType == TsStreamType.AacAdts)
            {
                AudioStreamType = PsStreamType.AacAdts;
            }
        }
    }

    public void OnPes(in TsPes pes)
    {
        if (pes.Header.Pts is not long rawPts)
        {
            return;
        }

        byte type = pes.Stream.StreamType;
        if (type is TsStreamType.H264 or TsStreamType.H265)
        {
            if (type != VideoStreamType)
            {
                return;
            }

            long pts = _videoClock.Unwrap90kHz(rawPts);
            long dts = pes.Header.Dts is long rawDts ? pts - ((rawPts - rawDts) & (MpegTimestampUnwrapper.Modulus - 1)) : pts;
            _origin ??= dts;
            bool key = type == TsStreamType.H264 ? H264.IsKeyFrameAnnexB(pes.Payload) : H265.IsKeyFrameAnnexB(pes.Payload);
            Add(MediaUnit.Video(pes.Payload.ToArray(), pts - _origin.Value, dts - _origin.Value, key));
        }
        else if (type == TsStreamType.AacAdts)
        {
            long pts = _audioClock.Unwrap90kHz(rawPts);
            _origin ??= pts;
            pts -= _origin.Value;
            var frames = new AdtsFrameEnumerator(pes.Payload);
            int start = 0;
            while (frames.MoveNext())
            {
                var header = frames.Current.Header;
                Add(MediaUnit.Audio(pes.Payload[start..frames.Consumed].ToArray(), pts));
                start = frames.Consumed;
                pts += 1024L * 90_000 / Math.Max(header.SampleRate, 1);
            }
        }
    }

    private void Add(MediaUnit unit)
    {
        _pending.Enqueue(unit, (unit.Dts90, _order++));
        _newestDts = Math.Max(_newestDts, unit.Dts90);
    }
}
