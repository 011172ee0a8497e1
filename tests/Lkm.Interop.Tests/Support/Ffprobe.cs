using System.Text.Json;
using Lkm.Testing;

namespace Lkm.Interop.Tests.Support;

public sealed record ProbedStream(string CodecType, string CodecName, int Width, int Height, int SampleRate);

/// <summary>Runs real ffprobe against a URL or file and returns its streams.</summary>
public static class Ffprobe
{
    public static async Task<IReadOnlyList<ProbedStream>> ProbeAsync(string input, TimeSpan? timeout = null)
    {
        var args = new List<string> { "-v", "error", "-show_streams", "-of", "json" };
        if (input.StartsWith("rtmp:", StringComparison.Ordinal) || input.StartsWith("http:", StringComparison.Ordinal))
        {
            args.AddRange(["-rw_timeout", "20000000"]);
        }

        args.Add(input);
        var (code, stdout, stderr) = await ToolProcess.RunAsync(ExternalTools.Ffprobe, args, timeout ?? TimeSpan.FromSeconds(40));
        Assert.True(code == 0, $"ffprobe {input} failed ({code}): {stderr}");
        using var doc = JsonDocument.Parse(stdout);
        var streams = new List<ProbedStream>();
        foreach (var s in doc.RootElement.GetProperty("streams").EnumerateArray())
        {
            streams.Add(new ProbedStream(
                s.GetProperty("codec_type").GetString() ?? "",
                s.TryGetProperty("codec_name", out var n) ? n.GetString() ?? "" : "",
                s.TryGetProperty("width", out var w) ? w.GetInt32() : 0,
                s.TryGetProperty("height", out var h) ? h.GetInt32() : 0,
                s.TryGetProperty("sample_rate", out var r) && int.TryParse(r.GetString(), out int rate) ? rate : 0));
        }

        return streams;
    }

    public static void AssertStreams(IReadOnlyList<ProbedStream> streams, string videoCodec, int width, int height, string audioCodec, int sampleRate)
    {
        var video = Assert.Single(streams, s => s.CodecType == "video");
        Assert.Equal(videoCodec, video.CodecName);
        Assert.Equal(width, video.Width);
        Assert.Equal(height, video.Height);
        var audio = Assert.Single(streams, s => s.CodecType == "audio");
        Assert.Equal(audioCodec, audio.CodecName);
        Assert.Equal(sampleRate, audio.SampleRate);
    }
}
