using System.Buffers;
using System.Text.Json;
using Lkm.Sdk.Amf;
using Lkm.Sdk.Flv;
using Lkm.Sdk.Media;
using Lkm.Sdk.Testing;
using Lkm.Sdk.Tests.Support;

namespace Lkm.Sdk.Tests.Flv;

/// <summary>FLV produced by real ffmpeg → FlvReader → FlvIngest, and our own FlvWriter output read back by real ffprobe.</summary>
public class FfmpegFlvTests
{
    [Theory]
    [InlineData("320x240", "aac", 44100, 1, CodecId.Aac)]
    [InlineData("640x360", "aac", 48000, 2, CodecId.Aac)]
    [InlineData("320x240", "pcm_alaw", 8000, 1, CodecId.G711A)]
    [InlineData("320x240", "libmp3lame", 48000, 2, CodecId.Mp3)]
    public async Task Ffmpeg_flv_is_ingested_and_remuxed_readably(string size, string audioEncoder, int sampleRate, int channels, CodecId audioCodec)
    {
        var flv = await Ffmpeg.RunAsync("ffmpeg",
        [
            "-loglevel", "error", "-f", "lavfi", "-i", $"testsrc=size={size}:rate=25", "-f", "lavfi", "-i", $"sine=frequency=440:sample_rate={sampleRate}",
            "-c:v", "libx264", "-preset", "veryfast", "-g", "25", "-pix_fmt", "yuv420p", "-c:a", audioEncoder, "-ar", sampleRate.ToString(), "-ac", channels.ToString(),
            "-t", "2", "-f", "flv", "pipe:1",
        ]);

        var publisher = new RecordingPublisher { RetainPackets = true };
        var logger = new ListLogger();
        var ingest = new FlvIngest(publisher, logger);
        int tags = FeedInChunks(flv, ingest, chunkSize: 1000);

        Assert.True(tags > 50);
        Assert.Equal(0, ingest.DroppedTags);
        Assert.True(ingest.TracksCompleted);
        Assert.Equal(1, publisher.TracksCompleteCalls);
        Assert.Single(publisher.MetadataUpdates);
        Assert.Equal(2, publisher.Tracks.Count);

        var video = publisher.Tracks.Single(t => t.MediaType == MediaType.Video);
        var (width, height) = (int.Parse(size.Split('x')[0]), int.Parse(size.Split('x')[1]));
        Assert.Equal((CodecId.H264, width, height), (video.Codec, video.Width, video.Height));
        var audio = publisher.Tracks.Single(t => t.MediaType == MediaType.Audio);
        Assert.Equal((audioCodec, sampleRate, channels), (audio.Codec, audio.SampleRate, audio.Channels));

        var videoPackets = publisher.RetainedPacketsOf(video.Index).ToList();
        var audioPackets = publisher.RetainedPacketsOf(audio.Index).ToList();
        Assert.InRange(videoPackets.Count, 49, 51);
        Assert.True(videoPackets[0].IsKeyFrame, "first video packet must be a keyframe");
        Assert.Equal(2, videoPackets.Count(p => p.IsKeyFrame)); // -g 25 over 2 s
        Assert.True(audioPackets.Count > 10);
        AssertMonotonic(videoPackets);
        AssertMonotonic(audioPackets);
        Assert.All(videoPackets, p => Assert.True(p.Pts >= p.Dts));
        Assert.All(videoPackets, p => Assert.True(Lkm.Sdk.Codecs.Avcc.IsValid(p.Data.Span)));
        Assert.All(videoPackets.Where(p => p.IsKeyFrame), p => Assert.True(Lkm.Sdk.Codecs.H264.IsKeyFrameAvcc(p.Data.Span)));

        // Our own muxer's output must read back in ffprobe with the same streams and packet counts.
        var remuxed = Remux(publisher.Tracks, publisher.MetadataUpdates[0], publisher.RetainedPackets);
        var probe = await Ffmpeg.RunAsync("ffprobe",
            ["-v", "error", "-count_packets", "-show_entries", "stream=codec_type,codec_name,width,height,sample_rate,channels,nb_read_packets", "-of", "json", "pipe:0"],
            remuxed);
        using var json = JsonDocument.Parse(probe);
        var streams = json.RootElement.GetProperty("streams").EnumerateArray().ToList();
        var probedVideo = streams.Single(s => s.GetProperty("codec_type").GetString() == "video");
        Assert.Equal("h264", probedVideo.GetProperty("codec_name").GetString());
        Assert.Equal(width, probedVideo.GetProperty("width").GetInt32());
        Assert.Equal(height, probedVideo.GetProperty("height").GetInt32());
        Assert.Equal(videoPackets.Count.ToString(), probedVideo.GetProperty("nb_read_packets").GetString());
        var probedAudio = streams.Single(s => s.GetProperty("codec_type").GetString() == "audio");
        Assert.Equal(sampleRate.ToString(), probedAudio.GetProperty("sample_rate").GetString());
        Assert.Equal(channels, probedAudio.GetProperty("channels").GetInt32());
        Assert.Equal(audioPackets.Count.ToString(), probedAudio.GetProperty("nb_read_packets").GetString());

        publisher.AssertWriterReleasedAndRelease();
    }

    private static int FeedInChunks(byte[] flv, FlvIngest ingest, int chunkSize)
    {
        // Simulates a pipe: data arrives in chunks, unconsumed bytes stay buffered.
        var pending = new List<byte>();
        bool headerRead = false;
        int tags = 0;
        for (int offset = 0; offset < flv.Length; offset += chunkSize)
        {
            pending.AddRange(flv.AsSpan(offset, Math.Min(chunkSize, flv.Length - offset)).ToArray());
            var buffer = new ReadOnlySequence<byte>(pending.ToArray());
            var reader = new SequenceReader<byte>(buffer);
            if (!headerRead)
            {
                if (!FlvReader.TryReadFileHeader(ref reader, out var header))
                {
                    continue;
                }

                Assert.True(header.HasVideo && header.HasAudio);
                headerRead = true;
            }

            while (FlvReader.TryReadTag(ref reader, out var tag))
            {
                tags++;
                Assert.Equal((uint)(FlvWriter.TagHeaderSize + tag.Body.Length), tag.PreviousTagSize);
                switch (tag.Type)
                {
                    case FlvTagType.Script:
                        var values = Amf0.DecodeAll(tag.Body);
                        Assert.Equal("onMetaData", values[0]);
                        ingest.OnMetadata(new StreamMetadata(Assert.IsType<Amf0Object>(values[1])));
                        break;
                    case FlvTagType.Video:
                        ingest.OnVideo((uint)tag.Timestamp, tag.Body);
                        break;
                    case FlvTagType.Audio:
                        ingest.OnAudio((uint)tag.Timestamp, tag.Body);
                        break;
                }
            }

            pending.RemoveRange(0, (int)reader.Consumed);
        }

        Assert.Empty(pending);
        return tags;
    }

    private static byte[] Remux(IReadOnlyList<MediaTrack> tracks, StreamMetadata metadata, IEnumerable<MediaPacket> packets)
    {
        var output = new ArrayBufferWriter<byte>();
        FlvWriter.WriteFileHeader(output, hasAudio: true, hasVideo: true);
        FlvWriter.WriteTag(output, FlvTagType.Script, 0, FlvTagBody.Metadata(tracks, metadata));
        foreach (var track in tracks)
        {
            var header = FlvTagBody.SequenceHeader(track);
            if (header.Length > 0)
            {
                FlvWriter.WriteTag(output, track.MediaType == MediaType.Video ? FlvTagType.Video : FlvTagType.Audio, 0, header);
            }
        }

        foreach (var packet in packets)
        {
            FlvWriter.WriteMediaTag(output, tracks[packet.TrackIndex], packet);
        }

        return output.WrittenSpan.ToArray();
    }

    private static void AssertMonotonic(List<MediaPacket> packets)
    {
        for (int i = 1; i < packets.Count; i++)
        {
            Assert.True(packets[i].Dts >= packets[i - 1].Dts, $"dts went back at packet {i}: {packets[i - 1].Dts} → {packets[i].Dts}");
        }
    }
}
