using Lkm.Interop.Tests.ApiSupport;
using Lkm.Interop.Tests.Support;
using Lkm.Testing;
using Microsoft.Playwright;

namespace Lkm.Interop.Tests;

/// <summary>
/// The web console in a real browser: Debian's chromium, headless, driven by Playwright (no browser
/// download). The console lists the published stream and plays it with our own FLV→fMP4 player.
/// </summary>
public sealed class ConsoleBrowserTests
{
    private const string Chromium = "/usr/bin/chromium";

    private static void RequireChromium()
    {
        if (File.Exists(Chromium))
        {
            return;
        }

        string reason = $"{Chromium} is missing (apt-get install -y chromium); the console browser test needs it";
        if (ExternalTools.IsCi)
        {
            Assert.Fail(reason + " — CI=true, so this is a failure, not a skip");
        }

        Assert.Skip(reason);
    }

    [Theory]
    [InlineData("HTTP-FLV", AudioKind.Aac)]
    [InlineData("WS-FLV", AudioKind.Aac)]
    [InlineData("HTTP-FLV", AudioKind.G711A)]
    public async Task Console_lists_the_stream_and_plays_it_in_the_browser(string kind, AudioKind audio)
    {
        RequireChromium();
        _ = ExternalTools.Ffmpeg;
        await using var host = await HostProcess.StartAsync();
        using var api = new ApiClient(host.HttpPort);
        await using var ffmpeg = FfmpegProcess.PublishTestStream(host.RtmpUrl("live/browser"), audio);
        await api.WaitForAsync("/api/v1/source/list", s => s.GetArrayLength() == 1 && s[0].GetProperty("live").GetBoolean(), "the stream to be live");

        using var profile = new TempDir(); // a fresh user-data-dir
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await LaunchAsync(playwright, profile);
        var page = browser.Pages.Count > 0 ? browser.Pages[0] : await browser.NewPageAsync();
        var console = new List<string>();
        page.Console += (_, m) => console.Add($"{m.Type}: {m.Text}");

        await page.GotoAsync($"http://127.0.0.1:{host.HttpPort}/");
        var row = page.Locator("#streams tr[data-stream='live/browser']");
        await row.WaitForAsync(new LocatorWaitForOptions { Timeout = 10_000 });
        Assert.Contains("h264 640×360", await row.InnerTextAsync());

        await page.Locator($"button[data-play='{kind}'][data-stream='live/browser']").ClickAsync();
        string artifact = Path.Combine(AppContext.BaseDirectory, "TestResults", $"console-{kind.ToLowerInvariant()}-{audio.ToString().ToLowerInvariant()}.png");
        Directory.CreateDirectory(Path.GetDirectoryName(artifact)!);
        try
        {
            await page.WaitForFunctionAsync("() => document.getElementById('player').currentTime > 2", null, new PageWaitForFunctionOptions { Timeout = 15_000 });

            // The live table refreshes on its own and now shows the browser as a player.
            string players = kind == "HTTP-FLV" ? "flv: 1" : "ws-flv: 1";
            await page.WaitForFunctionAsync(
                "p => document.querySelector(\"#streams tr[data-stream='live/browser'] td.players\").textContent === p", players,
                new PageWaitForFunctionOptions { Timeout = 8_000 });
        }
        finally
        {
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = artifact, FullPage = true });
            TestContext.Current.TestOutputHelper?.WriteLine($"screenshot: {artifact}");
            TestContext.Current.TestOutputHelper?.WriteLine("status: " + await page.Locator("#player-status").InnerTextAsync());
            TestContext.Current.TestOutputHelper?.WriteLine(string.Join('\n', console));
        }

        double time = await page.EvaluateAsync<double>("() => document.getElementById('player').currentTime");
        Assert.True(time > 2, $"the video played {time} s");
        // G.711 cannot go through MSE: the player says so and plays the video alone.
        Assert.Equal(audio == AudioKind.Aac ? "playing avc1.42c01e + mp4a.40.2" : "playing avc1.42c01e", await page.Locator("#player-status").InnerTextAsync());
        if (audio == AudioKind.G711A)
        {
            Assert.Equal("G.711 A-law audio cannot be played in a browser: playing the video only", await page.Locator("#player-warning").InnerTextAsync());
        }

        var sinks = await api.DataAsync("/api/v1/sink/list", new { source = "live/browser" });
        Assert.Equal(kind == "HTTP-FLV" ? "flv" : "ws-flv", Assert.Single(sinks.EnumerateArray()).GetProperty("protocol").GetString());
    }

    [Fact]
    public async Task Console_lists_a_gb28181_source_with_its_counters_and_plays_it()
    {
        RequireChromium();
        await using var server = await Gb28181.GbServer.StartAsync();
        int port = await server.CreateAsync("34020000001320000009/34020000001320000009", "udp", 7);
        await server.CreateAsync("gb/waiting", "passive", 8);
        await using var camera = Gb28181.SimulatedCamera.Start(Gb28181.SimulatedCamera.Udp(port, 7));
        await server.WaitLiveAsync("34020000001320000009/34020000001320000009");

        using var profile = new TempDir();
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await LaunchAsync(playwright, profile);
        var page = browser.Pages.Count > 0 ? browser.Pages[0] : await browser.NewPageAsync();
        await page.GotoAsync($"http://127.0.0.1:{server.Host.HttpPort}/");

        var gbRow = page.Locator("#gb28181 tr[data-gb-source='34020000001320000009/34020000001320000009']");
        await gbRow.WaitForAsync(new LocatorWaitForOptions { Timeout = 10_000 });
        await page.WaitForFunctionAsync("() => document.querySelector(\"#gb28181 tr[data-gb-source='34020000001320000009/34020000001320000009'] td:nth-child(3)\").textContent === 'live'",
            null, new PageWaitForFunctionOptions { Timeout = 8_000 });
        string cells = await gbRow.InnerTextAsync();
        Assert.Contains("udp", cells, StringComparison.Ordinal);
        Assert.Contains($"{port}", cells, StringComparison.Ordinal);
        Assert.Contains("127.0.0.1:", cells, StringComparison.Ordinal); // the device's address
        Assert.Contains("waiting", await page.Locator("#gb28181 tr[data-gb-source='gb/waiting']").InnerTextAsync(), StringComparison.Ordinal);

        var streamRow = page.Locator("#streams tr[data-stream='34020000001320000009/34020000001320000009']");
        Assert.Contains("28181", await streamRow.InnerTextAsync(), StringComparison.Ordinal);
        await page.Locator("button[data-play='HTTP-FLV'][data-stream='34020000001320000009/34020000001320000009']").ClickAsync();
        await page.WaitForFunctionAsync("() => document.getElementById('player').currentTime > 2", null, new PageWaitForFunctionOptions { Timeout = 15_000 });
        Assert.StartsWith("playing avc1.", await page.Locator("#player-status").InnerTextAsync(), StringComparison.Ordinal);
    }

    private static Task<IBrowserContext> LaunchAsync(IPlaywright playwright, TempDir profile) =>
        playwright.Chromium.LaunchPersistentContextAsync(profile.Path, new BrowserTypeLaunchPersistentContextOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
            ViewportSize = new ViewportSize { Width = 1280, Height = 900 },
        });
}
