using Lkm.DeviceSim.Gb;
using Lkm.DeviceSim.Media;
using Lkm.Interop.Tests.Support;
using Lkm.Sdk.Testing.Flv;

namespace Lkm.Interop.Tests.Gb28181;

/// <summary>One host, a port per source, shared by the ingest tests (each on its own stream ids).</summary>
public sealed class GbMultiPortHost : IAsyncLifetime
{
    public GbServer Server { get; private set; } = null!;

    public async ValueTask InitializeAsync() => Server = await GbServer.StartAsync();

    public async ValueTask DisposeAsync() => await Server.DisposeAsync();
}

/// <summary>
/// Issue 12 on the real host: a signalling server's API calls create sources, the device simulator pushes PS over RTP as
/// cameras do (each transport, loss and reordering, late or early audio, H.265 + G.711A), and real ffprobe/ffmpeg play
/// the stream over HTTP-FLV.
/// </summary>
public sealed class Gb28181IngestTests(GbMultiPortHost fixture) : IClassFixture<GbMultiPortHost>
{
    private GbServer Server => fixture.Server;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Udp_with_a_port_per_source_plays_over_http_flv()
    {
        const string id = "34020000001320000001/34020000001320000001";
        int port = await Server.CreateAsync(id, "udp", 110000001);
        Assert.InRange(port, Server.FirstPort, Server.LastPort);
        await using var camera = SimulatedCamera.Start(SimulatedCamera.Udp(port, 110000001));
        await Server.WaitLiveAsync(id);
        await Server.AssertPlaysAsync(id, "h264", 320, 240, "aac", 8000);
        Ffprobe.AssertStreams(await Ffprobe.ProbeAsync(Server.Host.RtmpUrl(id)), "h264", 320, 240, "aac", 8000); // and over RTMP

        var row = (await Server.GbRowAsync(id))!.Value;
        Assert.Equal("live", row.GetProperty("state").GetString());
        Assert.Equal(0, row.GetProperty("dropped_frames").GetInt64());
        Assert.Contains(Server.Host.Log, l => l.Contains($"GB28181 stream {id}: publishing over udp", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Tcp_passive_the_device_connects_and_plays()
    {
        const string id = "gb/tcp-passive";
        int port = await Server.CreateAsync(id, "passive", 110000002);
        await using var camera = SimulatedCamera.Start(SimulatedCamera.TcpConnect(port, 110000002));
        await Server.WaitLiveAsync(id);
        await Server.AssertPlaysAsync(id, "h264", 320, 240, "aac", 8000);

        // The device hanging up ends the source and gives its port back.
        await camera.DisposeAsync();
        await Server.Api.WaitForAsync("/api/v1/gb28181/source/list", d => d.GetProperty("sources").EnumerateArray().All(s => s.GetProperty("source").GetString() != id),
            "the source to end with its connection");
    }

    [Fact]
    public async Task Tcp_active_the_server_dials_the_device_after_connect()
    {
        const string id = "gb/tcp-active";
        await using var camera = SimulatedCamera.Start(SimulatedCamera.TcpListen(110000003));
        int devicePort = (await camera.Device.Listening.WaitAsync(TimeSpan.FromSeconds(10), Ct)).Port;
        int port = await Server.CreateAsync(id, "active", 110000003);
        await Server.Api.DataAsync("/api/v1/gb28181/source/connect", new { source = id, remote_addr = $"127.0.0.1:{devicePort}" });
        await Server.WaitLiveAsync(id);
        await Server.AssertPlaysAsync(id, "h264", 320, 240, "aac", 8000);

        // LKM's errors for the wrong source kinds.
        Assert.Equal("gb/none 源不存在", await Server.FailAsync("/api/v1/gb28181/source/connect", new { source = "gb/none", remote_addr = "127.0.0.1:1" }));
        await Server.CreateAsync("gb/udp-not-active", "udp", 5);
        Assert.Equal("gb/udp-not-active 源不是Active拉流类型", await Server.FailAsync("/api/v1/gb28181/source/connect", new { source = "gb/udp-not-active", remote_addr = "127.0.0.1:1" }));
        await Server.Api.DataAsync("/api/v1/source/close", new { source = "gb/udp-not-active" });
        Assert.InRange(port, Server.FirstPort, Server.LastPort);
    }

    [Fact]
    public async Task Two_percent_loss_and_reordering_over_udp_still_play()
    {
        const string id = "gb/lossy";
        int port = await Server.CreateAsync(id, "udp", 110000004);
        await using var camera = SimulatedCamera.Start(SimulatedCamera.Udp(port, 110000004) with { DropPercent = 2, ReorderPercent = 2, Seed = 7 }, size: "640x360");
        await Server.WaitLiveAsync(id);
        Ffprobe.AssertStreams(await Ffprobe.ProbeAsync(Server.Host.FlvUrl(id)), "h264", 640, 360, "aac", 8000);

        // Broken frames are dropped rather than passed on: the decoder may see missing references, but plays on.
        var (code, _) = await Server.DecodeAsync(id, 4);
        Assert.Equal(0, code);
        var row = await Server.Api.WaitForAsync("/api/v1/gb28181/source/list", d => Row(d, id) is { } r && r.GetProperty("reordered").GetInt64() > 0
            && r.GetProperty("dropped_frames").GetInt64() > 0, "reordering undone and broken frames dropped");
        Assert.True(Row(row, id)!.Value.GetProperty("lost").GetInt64() > 0);
        Assert.False(Server.Host.HasExited);
    }

    [Fact]
    public async Task Audio_starting_six_seconds_after_video_joins_the_stream()
    {
        const string id = "gb/late-audio";
        int port = await Server.CreateAsync(id, "udp", 110000005);
        await using var camera = SimulatedCamera.Start(SimulatedCamera.Udp(port, 110000005), playback: new PlaybackOptions { Loop = true, AudioDelay = TimeSpan.FromSeconds(6) });
        await Server.WaitLiveAsync(id, tracks: 1);
        await Server.WaitLiveAsync(id, tracks: 2, timeout: TimeSpan.FromSeconds(20));
        Assert.Contains(Server.Host.Log, l => l.Contains($"Stream {id}: late track", StringComparison.Ordinal));
        await Server.AssertPlaysAsync(id, "h264", 320, 240, "aac", 8000);
    }

    [Fact]
    public async Task Audio_first_then_video_plays_both()
    {
        const string id = "gb/audio-first";
        int port = await Server.CreateAsync(id, "udp", 110000006);
        await using var camera = SimulatedCamera.Start(SimulatedCamera.Udp(port, 110000006), playback: new PlaybackOptions { Loop = true, AudioFirst = TimeSpan.FromSeconds(2) });
        await Server.WaitLiveAsync(id, tracks: 2);
        await Server.AssertPlaysAsync(id, "h264", 320, 240, "aac", 8000);
    }

    [Fact]
    public async Task H265_with_g711a_goes_out_as_enhanced_flv()
    {
        // Debian's ffmpeg cannot read HEVC in FLV: the FLV is read back with the SDK's reader.
        const string id = "gb/hevc";
        int port = await Server.CreateAsync(id, "udp", 110000007);
        await using var camera = SimulatedCamera.Start(SimulatedCamera.Udp(port, 110000007), VideoMode.H265, AudioMode.Pcma);
        await Server.WaitLiveAsync(id);
        byte[] flv = await FlvCapture.HttpAsync(Server.Host.HttpPort, $"{id}.flv", TimeSpan.FromSeconds(3));
        var tags = FlvTags(flv);
        var video = tags.Where(t => t.Type == 9).ToList();
        var audio = tags.Where(t => t.Type == 8).ToList();
        Assert.NotEmpty(video);
        Assert.NotEmpty(audio);

        // Enhanced RTMP: IsExHeader bit, then the FourCC hvc1; the first is the sequence start carrying the hvcC record.
        Assert.True((video[0].Body[0] & 0x80) != 0, "the first video tag is not an Enhanced-FLV tag");
        Assert.Equal("hvc1", System.Text.Encoding.ASCII.GetString(video[0].Body, 1, 4));
        Assert.Equal(0, video[0].Body[0] & 0x0F); // PacketTypeSequenceStart
        Assert.Contains(video, v => (v.Body[0] & 0x0F) is 1 or 3 && (v.Body[0] & 0x70) == 0x10); // coded frames, a key frame among them
        Assert.All(audio, a => Assert.Equal(7, a.Body[0] >> 4)); // SoundFormat 7: G.711 A-law
        Assert.True(audio.Sum(a => a.Body.Length - 1) > 8000, "under a second of A-law audio in 3 s");
    }

    [Fact]
    public async Task A_publish_refused_by_on_publish_closes_the_source_and_frees_its_port()
    {
        const string id = "deny/camera";
        int port = await Server.CreateAsync(id, "udp", 110000008);
        await using var camera = SimulatedCamera.Start(SimulatedCamera.Udp(port, 110000008));
        await Server.Host.WaitForLogAsync(l => l.Contains($"GB28181 stream {id}: publish from", StringComparison.Ordinal) && l.Contains("not this device", StringComparison.Ordinal), TimeSpan.FromSeconds(20));
        await Server.Api.WaitForAsync("/api/v1/gb28181/source/list", d => Row(d, id) is null, "the refused source to be gone");
        var streams = await Server.Api.DataAsync("/api/v1/source/list");
        Assert.DoesNotContain(streams.EnumerateArray(), s => s.GetProperty("id").GetString() == id);

        // The id and the port can be used again.
        int again = await Server.CreateAsync(id, "udp", 110000008);
        Assert.InRange(again, Server.FirstPort, Server.LastPort);
        await Server.Api.DataAsync("/api/v1/source/close", new { source = id });
    }

    [Fact]
    public async Task Create_refuses_a_taken_id_and_bad_parameters_with_lkm_errors()
    {
        const string id = "gb/twice";
        await Server.CreateAsync(id, "udp", 1);
        Assert.Equal($"{id} 源已经存在", await Server.FailAsync("/api/v1/gb28181/source/create", new { source = id, setup = "udp", ssrc = 2 }));
        Assert.Contains("setup must be", await Server.FailAsync("/api/v1/gb28181/source/create", new { source = "gb/x", setup = "carrier-pigeon" }), StringComparison.Ordinal);
        Assert.Contains("ssrc must be", await Server.FailAsync("/api/v1/gb28181/source/create", new { source = "gb/x", ssrc = "-5" }), StringComparison.Ordinal);

        // ssrc as a decimal string is accepted too.
        var data = await Server.Api.DataAsync("/api/v1/gb28181/source/create", new { source = "gb/string-ssrc", setup = "udp", ssrc = "4294967295" });
        Assert.True(data.GetProperty("port").GetInt32() > 0);
        Assert.Equal(4294967295, Row(await Server.GbListAsync(), "gb/string-ssrc")!.Value.GetProperty("ssrc").GetUInt32());
        await Server.Api.DataAsync("/api/v1/source/close", new { source = id });
        await Server.Api.DataAsync("/api/v1/source/close", new { source = "gb/string-ssrc" });
    }

    [Fact]
    public async Task A_thousand_create_and_close_cycles_give_every_port_back()
    {
        var before = await Server.GbListAsync();
        int inUse = before.GetProperty("ports_in_use").GetInt32();
        for (int i = 0; i < 1000; i++)
        {
            string id = $"gb/cycle-{i}";
            var data = await Server.Api.DataAsync("/api/v1/gb28181/source/create", new { source = id, setup = i % 3 == 0 ? "passive" : "udp", ssrc = i });
            Assert.InRange(data.GetProperty("port").GetInt32(), Server.FirstPort, Server.LastPort);
            await Server.Api.DataAsync("/api/v1/source/close", new { source = id });
        }

        var after = await Server.Api.WaitForAsync("/api/v1/gb28181/source/list", d => d.GetProperty("ports_in_use").GetInt32() == inUse,
            "every port back in the pool");
        Assert.DoesNotContain(after.GetProperty("sources").EnumerateArray(), s => s.GetProperty("source").GetString()!.StartsWith("gb/cycle-", StringComparison.Ordinal));
        var listeners = await Server.Api.DataAsync("/api/v1/plugins");
        Assert.True(listeners.ToString().Split("gb28181-udp-").Length - 1 <= inUse + 1, "closed sources left listeners behind: " + listeners);
    }

    private static System.Text.Json.JsonElement? Row(System.Text.Json.JsonElement list, string id)
    {
        foreach (var row in list.GetProperty("sources").EnumerateArray())
        {
            if (row.GetProperty("source").GetString() == id)
            {
                return row;
            }
        }

        return null;
    }

    private static List<(int Type, byte[] Body)> FlvTags(byte[] flv)
    {
        var tags = new List<(int, byte[])>();
        int offset = 9 + 4;
        while (offset + 11 <= flv.Length)
        {
            int type = flv[offset] & 0x1F;
            int size = (flv[offset + 1] << 16) | (flv[offset + 2] << 8) | flv[offset + 3];
            if (offset + 11 + size > flv.Length)
            {
                break;
            }

            tags.Add((type, flv.AsSpan(offset + 11, size).ToArray()));
            offset += 11 + size + 4;
        }

        return tags;
    }
}
