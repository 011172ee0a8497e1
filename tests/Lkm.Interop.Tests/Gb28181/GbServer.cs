using System.Net;
using System.Text.Json;
using Lkm.Interop.Tests.ApiSupport;
using Lkm.Interop.Tests.Support;
using Lkm.Testing;

namespace Lkm.Interop.Tests.Gb28181;

/// <summary>
/// The real host with the GB28181 plugin on a range of ports of its own, and a hook script that refuses stream ids
/// under <c>deny/</c>; the API calls a signalling server makes.
/// </summary>
public sealed class GbServer : IAsyncDisposable
{
    private const string Hooks = """
        function on_publish(ctx) { return { allow: !ctx.stream.startsWith('deny/'), reason: 'not this device' }; }
        """;

    private readonly TempDir _dir;

    private GbServer(TempDir dir, HostProcess host, int firstPort, int lastPort)
    {
        _dir = dir;
        Host = host;
        FirstPort = firstPort;
        LastPort = lastPort;
        Api = new ApiClient(host.HttpPort);
    }

    public HostProcess Host { get; }

    public ApiClient Api { get; }

    public int FirstPort { get; }

    public int LastPort { get; }

    /// <summary>A host with a port per source from a range below the ephemeral ports (<paramref name="ports"/> ports), or one shared port.</summary>
    public static async Task<GbServer> StartAsync(int ports = 40, bool singlePort = false, params string[] settings)
    {
        _ = ExternalTools.Ffmpeg;
        int first = singlePort ? FreePort.Next() : 20000 + (Random.Shared.Next(0, 250) * 50);
        int last = singlePort ? first : first + ports - 1;
        var dir = new TempDir();
        dir.Write("hooks.js", Hooks);
        string config = dir.Write("lkm.yaml", "hooks:\n  script: hooks.js\n  timeout: 1s\n");
        string portSetting = singlePort ? $"{first}" : $"{first}-{last}";
        var host = await HostProcess.StartWithConfigAsync(config, [$"plugins.gb28181.port={portSetting}", .. settings]);
        return new GbServer(dir, host, first, last);
    }

    /// <summary><c>source/create</c>: the port the device is to send to.</summary>
    public async Task<int> CreateAsync(string id, string setup, uint ssrc)
    {
        var data = await Api.DataAsync("/api/v1/gb28181/source/create", new { source = id, setup, ssrc });
        Assert.Equal("127.0.0.1", data.GetProperty("ip").GetString());
        var urls = data.GetProperty("urls").EnumerateArray().Select(u => u.GetString()).ToList();
        Assert.Contains(Host.FlvUrl(id), urls);
        Assert.Contains(Host.RtmpUrl(id), urls);
        return data.GetProperty("port").GetInt32();
    }

    /// <summary>An API call expected to fail: its message.</summary>
    public async Task<string> FailAsync(string path, object body)
    {
        var (status, json) = await Api.PostAsync(path, body);
        Assert.NotEqual(HttpStatusCode.OK, status);
        Assert.Equal(-1, json.GetProperty("code").GetInt32());
        return json.GetProperty("msg").GetString() ?? "";
    }

    /// <summary>Waits until the stream is live with <paramref name="tracks"/> tracks.</summary>
    public Task WaitLiveAsync(string id, int tracks = 2, TimeSpan? timeout = null) =>
        Api.WaitForAsync("/api/v1/source/list", s => s.EnumerateArray().Any(x => x.GetProperty("id").GetString() == id && x.GetProperty("live").GetBoolean()
            && x.GetProperty("tracks").GetArrayLength() >= tracks), $"{id} to be live with {tracks} tracks", timeout ?? TimeSpan.FromSeconds(25));

    /// <summary>The plugin's row of <paramref name="id"/> in <c>gb28181/source/list</c>, or null.</summary>
    public async Task<JsonElement?> GbRowAsync(string id)
    {
        var data = await Api.DataAsync("/api/v1/gb28181/source/list");
        foreach (var row in data.GetProperty("sources").EnumerateArray())
        {
            if (row.GetProperty("source").GetString() == id)
            {
                return row;
            }
        }

        return null;
    }

    public async Task<JsonElement> GbListAsync() => await Api.DataAsync("/api/v1/gb28181/source/list");

    /// <summary>Real ffmpeg decodes <paramref name="seconds"/> of the stream over HTTP-FLV to nothing: exit code and error output.</summary>
    public async Task<(int Code, string Errors)> DecodeAsync(string id, int seconds = 5)
    {
        var (code, _, stderr) = await ToolProcess.RunAsync(ExternalTools.Ffmpeg,
            ["-hide_banner", "-v", "error", "-rw_timeout", "20000000", "-i", Host.FlvUrl(id), "-t", $"{seconds}", "-f", "null", "-"], TimeSpan.FromSeconds(seconds + 40));
        return (code, stderr.Trim());
    }

    /// <summary>ffprobe over HTTP-FLV shows the codecs and size given; ffmpeg decodes 5 s without an error line.</summary>
    public async Task AssertPlaysAsync(string id, string video, int width, int height, string audio, int sampleRate)
    {
        Ffprobe.AssertStreams(await Ffprobe.ProbeAsync(Host.FlvUrl(id)), video, width, height, audio, sampleRate);
        var (code, errors) = await DecodeAsync(id);
        Assert.True(code == 0 && errors.Length == 0, $"decoding {id} failed ({code}): {errors}");
    }

    public async ValueTask DisposeAsync()
    {
        Api.Dispose();
        await Host.DisposeAsync();
        _dir.Dispose();
    }
}
