using Lkm.Sdk.Buffers;
using Lkm.Sdk.Flv;
using Lkm.Sdk.Media;
using Lkm.Sdk.Streaming;
using Lkm.Sdk.Testing;
using Lkm.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Lkm.Plugins.Flv.Tests.Support;

/// <summary>
/// 3 s of H.264 640x360 + AAC 44.1 kHz made by real ffmpeg, demuxed with the SDK (FlvReader → FlvIngest)
/// and muxed again by <see cref="FlvTransStream"/>: what a player of a live stream would receive.
/// </summary>
internal sealed class FlvSample
{
    private static readonly SemaphoreSlim s_gate = new(1, 1);
    private static FlvSample? s_sample;

    private FlvSample(List<MediaTrack> tracks, List<Segment> content)
    {
        Tracks = tracks;
        Content = content;
    }

    public List<MediaTrack> Tracks { get; }

    /// <summary>Header segment first, then the media segments (merge-write 350 ms).</summary>
    public List<Segment> Content { get; }

    public long TotalBytes => Content.Sum(s => (long)s.Length);

    public byte[] AllBytes => FlvParse.Concat(Content.Select(s => s.Memory));

    /// <summary>Builds the sample once per test run; skips (or fails on CI) without ffmpeg.</summary>
    public static async Task<FlvSample> GetAsync()
    {
        string ffmpeg = ExternalTools.Require("ffmpeg");
        await s_gate.WaitAsync();
        try
        {
            return s_sample ??= await CreateAsync(ffmpeg);
        }
        finally
        {
            s_gate.Release();
        }
    }

    private static async Task<FlvSample> CreateAsync(string ffmpeg)
    {
        string file = Path.Combine(Path.GetTempPath(), $"lkm-flv-sample-{Environment.ProcessId}.flv");
        try
        {
            var (exit, _, stderr) = await ToolProcess.RunAsync(
                ffmpeg,
                ["-hide_banner", "-loglevel", "error", "-y",
                 "-f", "lavfi", "-i", "testsrc=size=640x360:rate=25",
                 "-f", "lavfi", "-i", "sine=sample_rate=44100",
                 "-c:v", "libx264", "-preset", "ultrafast", "-g", "25",
                 "-c:a", "aac", "-t", "3", "-f", "flv", file],
                TimeSpan.FromSeconds(30));
            Assert.True(exit == 0, "ffmpeg failed: " + stderr);
            return FromFlv(await File.ReadAllBytesAsync(file));
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static FlvSample FromFlv(byte[] data)
    {
        var publisher = new RecordingPublisher { RetainPackets = true };
        var ingest = new FlvIngest(publisher, NullLogger.Instance);
        FlvFileIngest.Feed(ingest, data, withMetadata: false);

        Assert.True(publisher.IsTracksComplete, "FlvIngest did not complete the track set");
        Assert.Contains(publisher.Tracks, t => t.Codec == CodecId.H264);
        Assert.Contains(publisher.Tracks, t => t.Codec == CodecId.Aac);

        using var stream = new FlvTransStream(new TransStreamContext
        {
            StreamId = "live/sample",
            Tracks = publisher.Tracks,
            Metadata = publisher.Metadata ?? StreamMetadata.Empty,
            MergeWriteMs = 350,
        });
        var content = new List<Segment> { stream.Header };
        stream.Header.Retain();
        foreach (var packet in publisher.RetainedPackets)
        {
            stream.Write(packet, content);
            packet.Release();
        }

        if (stream.Flush() is { } last)
        {
            content.Add(last);
        }

        return new FlvSample([.. publisher.Tracks], content);
    }
}
