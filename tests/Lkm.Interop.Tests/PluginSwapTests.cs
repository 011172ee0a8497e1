using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Lkm.Interop.Tests.ApiSupport;
using Lkm.Interop.Tests.Support;
using Lkm.Sdk.Testing.Rtmp;
using Lkm.Testing;

namespace Lkm.Interop.Tests;

/// <summary>
/// Plugins swapped in the real host while streams flow: the RTMP plugin replaced by a rebuilt copy of another
/// version under a live ffmpeg publisher and an HTTP-FLV player, connections attempted every 10 ms across a
/// swap, and twenty reloads with sessions coming and going. Each host gets a plugin folder of its own (copied
/// from the build), so nothing here touches the checkout's.
/// </summary>
public sealed class PluginSwapTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string BuiltPlugins => RepoPaths.File("host", "Lkm.Host", "bin", RepoPaths.Configuration, "net10.0", "plugins");

    [Fact]
    public async Task Replacing_the_rtmp_plugin_keeps_the_player_fed_drains_the_old_version_and_unloads_it()
    {
        _ = ExternalTools.Ffmpeg;
        string rebuilt = await RebuiltPlugin.RtmpAsync();
        using var dir = new TempDir();
        string plugins = CopyBuiltPlugins(dir);

        // A stream whose publisher left keeps what a returning publisher is checked against (its tracks) for the
        // resume window, and with it the version that published: a short window lets the old version go sooner.
        await using var host = await HostProcess.StartAsync($"plugins.dir={plugins}", "defaults.resume_window=2s");
        using var api = new ApiClient(host.HttpPort);

        await using var publisher = FfmpegProcess.PublishTestStream(host.RtmpUrl("live/swap"), seconds: 120);
        await api.WaitForAsync("/api/v1/source/list", s => s.EnumerateArray().Any(x => x.GetProperty("id").GetString() == "live/swap" && x.GetProperty("live").GetBoolean()), "the stream to be live");
        await using var player = await FlvReader.StartAsync(host.FlvUrl("live/swap"));

        // An RTMP player too: it plays from the old version's RTMP muxer, which must stay its own after the swap.
        await using var oldRtmpPlayer = PlayRtmp(host.RtmpUrl("live/swap"));
        var before = (await api.WaitForAsync("/api/v1/plugins", p => Rtmp(p, "running").Any(r => r.GetProperty("live_muxers").GetInt32() == 1), "the RTMP player on its muxer"))
            .EnumerateArray().Single(r => r.GetProperty("name").GetString() == "rtmp");
        Assert.Equal("0.1.0.0", before.GetProperty("version").GetString());
        Assert.Equal(2, before.GetProperty("live_sessions").GetInt32()); // the publisher and the RTMP player
        player.ResetLongestGap();

        // Dropped over the running plugin's files, as an operator would upgrade it.
        CopyFolder(rebuilt, Path.Combine(plugins, "Lkm.Plugins.Rtmp"));
        var rows = await api.WaitForAsync("/api/v1/plugins",
            p => Rtmp(p, "running").Any(r => r.GetProperty("version").GetString() == "0.1.1.0") && Rtmp(p, "draining").Any(),
            "the new version running and the old one draining", TimeSpan.FromSeconds(10));
        int oldGeneration = before.GetProperty("generation").GetInt32();
        var draining = Rtmp(rows, "draining").Single();
        Assert.Equal(oldGeneration, draining.GetProperty("generation").GetInt32());
        Assert.Equal(2, draining.GetProperty("live_sessions").GetInt32()); // ffmpeg's sessions stay on the old code
        Assert.Equal(1, draining.GetProperty("live_muxers").GetInt32());

        // A new RTMP player of the same stream gets the new version's muxer; the old player keeps the old one.
        await using var newRtmpPlayer = PlayRtmp(host.RtmpUrl("live/swap"));
        rows = await api.WaitForAsync("/api/v1/plugins",
            p => Rtmp(p, "running").Any(r => r.GetProperty("live_muxers").GetInt32() == 1 && r.GetProperty("live_sessions").GetInt32() == 1),
            "the new RTMP player on the new version's muxer");
        Assert.Equal(1, Rtmp(rows, "draining").Single().GetProperty("live_muxers").GetInt32());
        await oldRtmpPlayer.DisposeAsync();
        await api.WaitForAsync("/api/v1/plugins", p => Rtmp(p, "draining").Any(r => r.GetProperty("live_muxers").GetInt32() == 0 && r.GetProperty("live_sessions").GetInt32() == 1),
            "the old RTMP player gone, with its muxer");
        Assert.False(newRtmpPlayer.HasExited, "the new RTMP player stopped when the old one left");
        Assert.Contains("replaced by 0.1.1.0", draining.GetProperty("reason").GetString(), StringComparison.Ordinal);

        var metrics = await api.ScrapeAsync();
        Assert.Equal(1, metrics.Value("lkm_plugin_info", ("name", "rtmp"), ("version", "0.1.1.0"), ("state", "running")));
        Assert.Equal(1, metrics.Value("lkm_plugin_info", ("name", "rtmp"), ("version", "0.1.0.0"), ("state", "draining")));
        Assert.Equal(1, metrics.Value("lkm_plugin_swaps_total"));
        Assert.Equal(0, metrics.Value("lkm_plugin_refused_loads_total"));

        // A publisher arriving now is served by the new version, on the same port.
        await using var second = FfmpegProcess.PublishTestStream(host.RtmpUrl("live/swap2"), seconds: 60);
        await api.WaitForAsync("/api/v1/plugins",
            p => Rtmp(p, "running").Any(r => r.GetProperty("live_sessions").GetInt32() == 2) && Rtmp(p, "draining").Any(r => r.GetProperty("live_sessions").GetInt32() == 1),
            "the second publisher on the new version, the first still on the old one");
        await Task.Delay(1500, Ct);
        Assert.True(player.LongestGap < TimeSpan.FromSeconds(1), $"the player waited {player.LongestGap.TotalMilliseconds:0} ms during the swap");
        Assert.False(player.Ended.IsCompleted, "the player was cut off by the swap");

        // The old publisher leaves: the old version has nothing left, is unloaded, and its context is collected.
        await publisher.DisposeAsync();
        await api.WaitForAsync("/api/v1/plugins", p => Generation(p, oldGeneration).GetProperty("state").GetString() == "unloaded", "the old version to unload", TimeSpan.FromSeconds(15));
        using var http = new HttpClient();
        JsonElement unloaded = default;
        var unloadedAt = DateTime.UtcNow;
        for (int gcs = 0; gcs < 12; gcs++)
        {
            // Unloading a context takes more than one collection (its loader is finalized, then freed): a few rounds.
            await HostMemory.ReadAsync(host, http); // makes the host run full GCs
            unloaded = Generation(await api.DataAsync("/api/v1/plugins"), oldGeneration);
            if (unloaded.GetProperty("collected").GetBoolean())
            {
                TestContext.Current.TestOutputHelper?.WriteLine($"old version collected {(DateTime.UtcNow - unloadedAt).TotalSeconds:0.0} s after it unloaded ({gcs + 1} rounds of full GCs)");
                break;
            }
        }

        Assert.True(unloaded.GetProperty("collected").GetBoolean(), $"the old load context is still alive after full GCs: {unloaded}");
        Assert.Contains(host.Log, l => l.Contains("replaced by 0.1.1.0", StringComparison.Ordinal) && l.Contains("handed over", StringComparison.Ordinal));
        Assert.Contains(host.Log, l => l.Contains($"(generation {oldGeneration}) unloaded", StringComparison.Ordinal));
    }

    [Fact]
    public async Task No_connection_is_refused_across_a_swap()
    {
        using var dir = new TempDir();
        string plugins = CopyBuiltPlugins(dir);
        await using var host = await HostProcess.StartAsync($"plugins.dir={plugins}");
        using var api = new ApiClient(host.HttpPort);
        int before = Rtmp(await api.DataAsync("/api/v1/plugins"), "running").Single().GetProperty("generation").GetInt32();

        // 50 connections, one every 10 ms, each answered with the RTMP handshake; the swap lands in the middle.
        const int Attempts = 50;
        var attempts = new List<Task<string?>>();
        Task<(HttpStatusCode, JsonElement)>? reload = null;
        for (int i = 0; i < Attempts; i++)
        {
            if (i == 15)
            {
                reload = api.PostAsync("/api/v1/plugins/reload", new { name = "rtmp" });
            }

            attempts.Add(HandshakeAsync(host.RtmpPort));
            await Task.Delay(10, Ct);
        }

        var outcomes = await Task.WhenAll(attempts);
        var (status, body) = await reload!;
        Assert.True(status == HttpStatusCode.OK, $"reload: {(int)status} {body}");
        int after = body.GetProperty("data").GetProperty("generation").GetInt32();
        Assert.NotEqual(before, after);
        var failures = outcomes.Where(o => o is not null).ToList();
        int refused = failures.Count(f => f!.StartsWith("refused", StringComparison.Ordinal));
        TestContext.Current.TestOutputHelper?.WriteLine($"{Attempts} RTMP connections every 10 ms across a swap: {refused} refused, {failures.Count - refused} other failures");
        Assert.True(failures.Count == 0, $"{refused} refused, {failures.Count} failed: {string.Join("; ", failures)}");
        var rows = await api.DataAsync("/api/v1/plugins");
        Assert.Equal("running", Generation(rows, after).GetProperty("state").GetString());
    }

    [Fact]
    public async Task Twenty_reloads_with_sessions_coming_and_going_leak_no_load_context()
    {
        using var dir = new TempDir();
        string plugins = CopyBuiltPlugins(dir);
        await using var host = await HostProcess.StartAsync($"plugins.dir={plugins}");
        using var api = new ApiClient(host.HttpPort);
        using var http = new HttpClient();

        HostMemory.Reading? baseline = null;
        for (int round = 0; round < 22; round++)
        {
            // Sessions on the version in force: two RTMP connections mid-handshake and an HTTP-FLV player waiting for its stream.
            var rtmp = new[] { await RawRtmpClient.ConnectAsync(host.RtmpPort), await RawRtmpClient.ConnectAsync(host.RtmpPort) };
            await rtmp[0].HandshakeAsync();
            using var waiting = new CancellationTokenSource();
            var flv = http.GetAsync(host.FlvUrl($"live/none{round}"), HttpCompletionOption.ResponseHeadersRead, waiting.Token);

            var (status, body) = await api.PostAsync("/api/v1/plugins/reload", new { name = "rtmp" });
            Assert.True(status == HttpStatusCode.OK, $"reload {round}: {(int)status} {body}");

            foreach (var client in rtmp)
            {
                await client.DisposeAsync();
            }

            await waiting.CancelAsync();
            try
            {
                (await flv).Dispose();
            }
            catch (OperationCanceledException)
            {
            }

            await api.WaitForAsync("/api/v1/plugins", p => Rtmp(p, "draining").Length == 0, $"round {round}: the replaced version to unload", TimeSpan.FromSeconds(10));
            if (round == 1)
            {
                // After two swaps: everything a swap touches once (JIT of the host's side, pools) is warm.
                baseline = await HostMemory.ReadAsync(host, http);
            }
        }

        var end = await HostMemory.ReadAsync(host, http);
        var rows = await api.DataAsync("/api/v1/plugins");
        Assert.All(Rtmp(rows, "unloaded"), r => Assert.True(r.GetProperty("collected").GetBoolean(), $"not collected: {r}"));
        long growth = end.RssBytes - baseline!.RssBytes;
        TestContext.Current.TestOutputHelper?.WriteLine($"20 reloads: {baseline} -> {end}, RSS {growth / 1024.0 / 1024:+0.0;-0.0} MiB");
        Assert.True(growth <= 10 * 1024 * 1024, $"RSS grew {growth / 1024.0 / 1024:0.0} MiB over 20 reloads ({baseline} -> {end})");
    }

    /// <summary>ffmpeg playing an RTMP stream to nowhere: a real RTMP player that keeps its connection.</summary>
    private static FfmpegProcess PlayRtmp(string url) =>
        FfmpegProcess.Start(ExternalTools.Ffmpeg, ["-hide_banner", "-nostats", "-loglevel", "error", "-i", url, "-c", "copy", "-f", "null", "-"]);

    private static JsonElement[] Rtmp(JsonElement rows, string state) =>
        rows.EnumerateArray().Where(r => r.GetProperty("name").GetString() == "rtmp" && r.GetProperty("state").GetString() == state).ToArray();

    private static JsonElement Generation(JsonElement rows, int generation) =>
        rows.EnumerateArray().Single(r => r.GetProperty("generation").GetInt32() == generation);

    /// <summary>Connects, sends C0+C1 and reads S0+S1+S2; null when served, else what went wrong.</summary>
    private static async Task<string?> HandshakeAsync(int port)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), Ct);
            var c0c1 = new byte[1537];
            c0c1[0] = 3;
            await socket.SendAsync(c0c1, SocketFlags.None, Ct);
            var s0s1s2 = new byte[3073];
            int read = 0;
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(10));
            while (read < s0s1s2.Length)
            {
                int n = await socket.ReceiveAsync(s0s1s2.AsMemory(read), SocketFlags.None, timeout.Token);
                if (n == 0)
                {
                    return $"closed after {read} handshake bytes";
                }

                read += n;
            }

            return s0s1s2[0] == 3 ? null : $"S0 was {s0s1s2[0]}";
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.ConnectionRefused)
        {
            return "refused";
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException)
        {
            return ex.GetType().Name + ": " + ex.Message;
        }
    }

    private static string CopyBuiltPlugins(TempDir dir)
    {
        string plugins = Path.Combine(dir.Path, "plugins");
        foreach (string folder in Directory.GetDirectories(BuiltPlugins))
        {
            CopyFolder(folder, Path.Combine(plugins, Path.GetFileName(folder)));
        }

        return plugins;
    }

    private static void CopyFolder(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (string file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            string target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target, overwrite: true);
            File.SetLastWriteTimeUtc(target, DateTime.UtcNow);
        }
    }
}
