using System.Text.Json;
using Lkm.Plugins.Rtmp.Tests.Infrastructure;
using Lkm.Sdk.Flv;
using Lkm.Sdk.Media;
using Lkm.Sdk.Streaming;
using Lkm.Sdk.Testing;
using Lkm.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Lkm.Plugins.Rtmp.Tests;

/// <summary>The plugin against the real ffmpeg (publish) and ffprobe (play).</summary>
public class RtmpPluginFfmpegTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task Ffmpeg_publishes_h264_and_aac_into_the_hub()
    {
        var ffmpeg = ExternalTools.Require("ffmpeg");
        await using var server = await RtmpTestServer.StartAsync();
        string url = $"rtmp://127.0.0.1:{server.EndPoint.Port}/live/test?token=abc";

        var run = ToolProcess.RunAsync(ffmpeg, [
            "-hide_banner", "-loglevel", "error", "-nostdin",
            "-re", "-f", "lavfi", "-i", "testsrc=size=640x360:rate=25",
            "-f", "lavfi", "-i", "sine=frequency=1000:sample_rate=44100",
            "-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency", "-g", "25",
            "-c:a", "aac", "-t", "3", "-f", "flv", url,
        ], Timeout);
        var publisher = await server.Hub.NextPublisherAsync(Timeout);
        var result = await run;
        await publisher.Disposed.WaitAsync(Timeout, TestContext.Current.CancellationToken);

        Assert.True(result.ExitCode == 0, result.StdErr);
        Assert.Equal("live/test", publisher.StreamId);
        Assert.Equal("abc", publisher.Request.Query["token"]);
        await publisher.TracksCompleted.WaitAsync(Timeout, TestContext.Current.CancellationToken);

        var video = Assert.Single(publisher.Tracks, t => t.MediaType == MediaType.Video);
        var audio = Assert.Single(publisher.Tracks, t => t.MediaType == MediaType.Audio);
        Assert.Equal((CodecId.H264, 640, 360), (video.Codec, video.Width, video.Height));
        Assert.Equal((CodecId.Aac, 44100), (audio.Codec, audio.SampleRate));

        var videoPackets = publisher.Packets.Where(p => p.TrackIndex == video.Index).ToList();
        var audioPackets = publisher.Packets.Where(p => p.TrackIndex == audio.Index).ToList();
        Assert.InRange(videoPackets.Count, 60, 80);
        Assert.InRange(audioPackets.Count, 100, 140);
        Assert.True(videoPackets[0].IsKeyFrame, "the first video packet must be a keyframe");
        Assert.Equal(3, videoPackets.Count(p => p.IsKeyFrame));
        Assert.All(videoPackets.Zip(videoPackets.Skip(1)), pair => Assert.True(pair.First.Dts <= pair.Second.Dts));
        Assert.All(audioPackets.Zip(audioPackets.Skip(1)), pair => Assert.True(pair.First.Dts < pair.Second.Dts));
        Assert.All(videoPackets, p => Assert.True(p.Pts >= p.Dts));
        Assert.True(publisher.BytesReceived > 50_000);

        await server.WhenConnectionsEndedAsync();
        Assert.Empty(server.Warnings);
        Assert.Contains(server.Context.Logs.Entries, e => e.Message.Contains("DigestScheme0 handshake"));
    }

    [Fact]
    public async Task Ffprobe_plays_h264_and_aac_from_the_plugin()
    {
        var ffmpeg = ExternalTools.Require("ffmpeg");
        var ffprobe = ExternalTools.Require("ffprobe");
        string file = Path.Combine(Path.GetTempPath(), $"lkm-rtmp-{Guid.NewGuid():N}.flv");
        try
        {
            var made = await ToolProcess.RunAsync(ffmpeg, [
                "-hide_banner", "-loglevel", "error", "-nostdin", "-y",
                "-f", "lavfi", "-i", "testsrc=size=640x360:rate=25",
                "-f", "lavfi", "-i", "sine=frequency=1000:sample_rate=44100",
                "-c:v", "libx264", "-preset", "ultrafast", "-g", "25", "-c:a", "aac", "-t", "2", "-f", "flv", file,
            ], Timeout);
            Assert.True(made.ExitCode == 0, made.StdErr);
            var recorded = ReadFlvFile(file);

            await using var server = await RtmpTestServer.StartAsync();
            var source = new TestSource(recorded.Tracks, recorded.Metadata ?? StreamMetadata.Empty, recorded.Packets);
            server.Hub.OnPlay = (request, sink) => ValueTask.FromResult(source.Attach(server.Factory, sink, closeWhenSent: true));

            var probe = await ToolProcess.RunAsync(ffprobe, [
                "-v", "error", "-show_entries", "stream=codec_name,width,height,sample_rate", "-of", "json",
                $"rtmp://127.0.0.1:{server.EndPoint.Port}/live/test",
            ], Timeout);

            Assert.True(probe.ExitCode == 0, probe.StdErr);
            using var json = JsonDocument.Parse(probe.StdOut);
            var streams = json.RootElement.GetProperty("streams").EnumerateArray().ToList();
            var h264 = Assert.Single(streams, s => s.GetProperty("codec_name").GetString() == "h264");
            var aac = Assert.Single(streams, s => s.GetProperty("codec_name").GetString() == "aac");
            Assert.Equal((640, 360), (h264.GetProperty("width").GetInt32(), h264.GetProperty("height").GetInt32()));
            Assert.Equal("44100", aac.GetProperty("sample_rate").GetString());
            Assert.Equal("live/test", Assert.Single(server.Hub.PlayRequests).StreamId);

            await server.WhenConnectionsEndedAsync();
            Assert.Empty(server.Warnings);

            // ffmpeg checks the digest handshake when it plays: this run went through it.
            Assert.Contains(server.Context.Logs.Entries, e => e.Message.Contains("DigestScheme0 handshake"));
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>Demuxes an FLV file with the SDK's reader and ingest, into a recording publisher.</summary>
    private static RecordingPublisher ReadFlvFile(string path)
    {
        var publisher = new RecordingPublisher(new PublishRequest { StreamId = "file", Protocol = "flv" });
        var ingest = new FlvIngest(publisher, NullLogger.Instance);
        FlvFileIngest.Feed(ingest, File.ReadAllBytes(path), withMetadata: true);

        Assert.Equal(2, publisher.Tracks.Count);
        return publisher;
    }
}
