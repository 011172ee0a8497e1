using System.Buffers;
using Lkm.Sdk.Buffers;
using Lkm.Sdk.Codecs;
using Lkm.Sdk.Media;

namespace Lkm.Sdk.Flv;

/// <summary>
/// The audio half of <see cref="FlvIngest"/>: AAC (sequence header or, from broken encoders, ADTS),
/// MP3 and G.711 tag bodies into an audio track and raw frames.
/// </summary>
internal sealed class FlvAudioIngest
{
    private readonly FlvIngest _ingest;

    public FlvAudioIngest(FlvIngest ingest) => _ingest = ingest;

    public void Parse(long dts, in ReadOnlySequence<byte> body)
    {
        if (body.IsEmpty)
        {
            Drop(FlvDropReason.Empty, "empty audio tag");
            return;
        }

        byte flags = ByteAt(body, 0);
        int format = flags >> 4;
        switch (format)
        {
            case FlvCodecIds.AudioAac:
                ParseAac(dts, body);
                break;
            case FlvCodecIds.AudioMp3:
            case FlvCodecIds.AudioMp3At8kHz:
                OnMp3Frame(dts, flags, body.Slice(1));
                break;
            case FlvCodecIds.AudioG711A:
            case FlvCodecIds.AudioG711U:
                OnPlainAudioFrame(dts, G711.Track(format == FlvCodecIds.AudioG711A ? CodecId.G711A : CodecId.G711U), body.Slice(1));
                break;
            default:
                Drop(FlvDropReason.UnsupportedAudioCodec, $"audio sound format {format}");
                break;
        }
    }

    private void ParseAac(long dts, in ReadOnlySequence<byte> body)
    {
        if (body.Length < 2)
        {
            Drop(FlvDropReason.Malformed, "AAC tag without packet type");
            return;
        }

        byte packetType = ByteAt(body, 1);
        var data = body.Slice(2);
        if (packetType == 0)
        {
            var config = data.ToArray();
            if (!AudioSpecificConfig.TryParse(config, out var asc))
            {
                Drop(FlvDropReason.BadAudioConfig, "unreadable AudioSpecificConfig");
                return;
            }

            _ingest.SetAudioTrack(new MediaTrack { Codec = CodecId.Aac, CodecConfig = config, SampleRate = asc.OutputSampleRate, Channels = Math.Max(1, asc.Channels) }, dts);
            return;
        }

        if (packetType != 1)
        {
            Drop(FlvDropReason.UnsupportedPacketType, $"AAC packet type {packetType}");
            return;
        }

        if (data.IsEmpty)
        {
            Drop(FlvDropReason.Empty, "empty AAC frame");
            return;
        }

        // Some encoders wrongly leave the ADTS header on; strip it (and learn the config from it if needed).
        Span<byte> adtsBytes = stackalloc byte[AdtsHeader.MinimumSize];
        if (data.Length >= AdtsHeader.MinimumSize)
        {
            data.Slice(0, AdtsHeader.MinimumSize).CopyTo(adtsBytes);
            if (AdtsHeader.HasSyncWord(adtsBytes) && AdtsHeader.TryParse(adtsBytes, out var adts) && adts.FrameLength == data.Length && adts.PayloadLength > 0)
            {
                data = data.Slice(adts.HeaderLength);
                if (_ingest.AudioTrack is null && adts.ObjectType is >= 1 and <= 4)
                {
                    _ingest.SetAudioTrack(new MediaTrack { Codec = CodecId.Aac, CodecConfig = adts.ToAudioSpecificConfigBytes(), SampleRate = adts.SampleRate, Channels = Math.Max(1, adts.Channels) }, dts);
                }
            }
        }

        if (_ingest.AudioTrack is not { Codec: CodecId.Aac })
        {
            Drop(FlvDropReason.FrameBeforeConfig, "AAC frame before its sequence header");
            return;
        }

        WriteAudio(dts, data);
    }

    private void OnMp3Frame(long dts, byte flags, in ReadOnlySequence<byte> data)
    {
        if (data.IsEmpty)
        {
            Drop(FlvDropReason.Empty, "empty MP3 frame");
            return;
        }

        // The frame header knows the real rate (FLV flags cannot say 48 kHz); the flags are the fallback.
        MediaTrack track;
        Span<byte> headerBytes = stackalloc byte[MpegAudioHeader.Size];
        if (data.Length >= MpegAudioHeader.Size && CopyPrefix(data, headerBytes) && MpegAudioHeader.TryParse(headerBytes, out var header))
        {
            track = new MediaTrack { Codec = CodecId.Mp3, SampleRate = header.SampleRate, Channels = header.Channels };
        }
        else if (_ingest.AudioTrack is { Codec: CodecId.Mp3 })
        {
            track = _ingest.AudioTrack;
        }
        else
        {
            int sampleRate = (flags >> 4) == FlvCodecIds.AudioMp3At8kHz ? 8000 : FlagSampleRate(flags);
            track = new MediaTrack { Codec = CodecId.Mp3, SampleRate = sampleRate, Channels = (flags & 0x01) + 1 };
        }

        OnPlainAudioFrame(dts, track, data);
    }

    private static bool CopyPrefix(in ReadOnlySequence<byte> data, Span<byte> destination)
    {
        data.Slice(0, destination.Length).CopyTo(destination);
        return true;
    }

    private static byte ByteAt(in ReadOnlySequence<byte> data, long index)
    {
        Span<byte> one = stackalloc byte[1];
        data.Slice(index, 1).CopyTo(one);
        return one[0];
    }

    private static int FlagSampleRate(byte flags) => ((flags >> 2) & 0x03) switch
    {
        0 => 5512,
        1 => 11025,
        2 => 22050,
        _ => 44100,
    };

    // Codecs without a sequence header: the first frame (or a change of format) defines the track.
    private void OnPlainAudioFrame(long dts, MediaTrack track, in ReadOnlySequence<byte> data)
    {
        if (data.IsEmpty)
        {
            Drop(FlvDropReason.Empty, $"empty {track.Codec.Name()} frame");
            return;
        }

        _ingest.SetAudioTrack(track, dts);
        WriteAudio(dts, data);
    }

    private void WriteAudio(long dts, in ReadOnlySequence<byte> data)
    {
        var buffer = PooledBuffer.CopyOf(data);
        try
        {
            _ingest.Write(new MediaPacket(_ingest.AudioTrack!.Index, dts, dts, isKeyFrame: true, buffer));
        }
        finally
        {
            buffer.Release();
        }
    }

    private void Drop(FlvDropReason reason, string detail) => _ingest.Drop(reason, detail);
}
