using System.Net;
using Lkm.DeviceSim.Cli;
using Lkm.DeviceSim.Gb;
using Lkm.DeviceSim.Media;

namespace Lkm.DeviceSim.Tests.Cli;

public sealed class GbCommandLineTests
{
    private const string Lavfi = "lavfi:testsrc=size=320x240:rate=25";

    private static GbRunPlan Parse(params string[] args) => GbCommandLine.Parse(args);

    [Fact]
    public void Defaults_are_one_udp_device_copying_video_with_aac_when_there_is_audio()
    {
        var plan = Parse("--input", Lavfi, "--target", "127.0.0.1:30000");

        Assert.Equal(Lavfi, plan.Feed.Input);
        Assert.Equal(VideoMode.Copy, plan.Feed.Video);
        Assert.Equal(AudioMode.Auto, plan.Feed.Audio);
        Assert.False(plan.Playback.Loop);
        Assert.Null(plan.Playback.Duration);
        Assert.Equal(1, plan.Playback.Speed);
        var device = Assert.Single(plan.Devices);
        Assert.Equal(GbTransport.Udp, device.Transport);
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, 30000), device.Target);
        Assert.Equal(1u, device.Ssrc);
        Assert.Equal(96, device.PayloadType);
        Assert.Equal(1400, device.MaxPayload);
        Assert.Null(device.LocalPort);
    }

    [Fact]
    public void Every_option_is_read()
    {
        var plan = Parse(
            "--input", Lavfi, "--input-audio", "lavfi:sine=frequency=1000", "--video", "h265", "--audio", "pcma",
            "--transport", "udp", "--target", "127.0.0.1:30000", "--local-port", "40000", "--ssrc", "4294967295",
            "--payload-type", "98", "--mtu", "1200", "--drop", "10", "--reorder", "2.5", "--seed", "7",
            "--audio-delay", "6", "--audio-first", "1.5", "--loop", "--duration", "30", "--speed", "0", "--ffmpeg", "/opt/ffmpeg");

        Assert.Equal("lavfi:sine=frequency=1000", plan.Feed.InputAudio);
        Assert.Equal(VideoMode.H265, plan.Feed.Video);
        Assert.Equal(AudioMode.Pcma, plan.Feed.Audio);
        Assert.Equal("/opt/ffmpeg", plan.Feed.FfmpegPath);
        Assert.True(plan.Playback.Loop);
        Assert.Equal(TimeSpan.FromSeconds(30), plan.Playback.Duration);
        Assert.Equal(TimeSpan.FromSeconds(6), plan.Playback.AudioDelay);
        Assert.Equal(TimeSpan.FromSeconds(1.5), plan.Playback.AudioFirst);
        Assert.Equal(0, plan.Playback.Speed);
        var device = Assert.Single(plan.Devices);
        Assert.Equal(40000, device.LocalPort);
        Assert.Equal(uint.MaxValue, device.Ssrc);
        Assert.Equal(98, device.PayloadType);
        Assert.Equal(1200, device.MaxPayload);
        Assert.Equal(10, device.DropPercent);
        Assert.Equal(2.5, device.ReorderPercent);
        Assert.Equal(7, device.Seed);
    }

    [Fact]
    public void Video_bitrate_sets_a_near_constant_rate_on_the_re_encode()
    {
        var plan = Parse("--input", Lavfi, "--video", "h264", "--video-bitrate", "936", "--target", "127.0.0.1:30000");

        Assert.Equal(936, plan.Feed.VideoBitrateKbps);
        string args = string.Join(' ', FfmpegArguments.Ts(plan.Feed));
        Assert.Contains("-c:v libx264", args, StringComparison.Ordinal);
        Assert.Contains("-b:v 936k -maxrate 936k -bufsize 468k", args, StringComparison.Ordinal);
        Assert.DoesNotContain("-b:v", string.Join(' ', FfmpegArguments.Ts(Parse("--input", Lavfi, "--video", "h264", "--target", "127.0.0.1:1").Feed)), StringComparison.Ordinal);
    }

    [Fact]
    public void Input_audio_alone_means_aac()
    {
        Assert.Equal(AudioMode.Aac, Parse("--input", Lavfi, "--input-audio", "lavfi:sine", "--target", "127.0.0.1:1").Feed.Audio);
    }

    [Fact]
    public void Devices_share_one_port_by_default_and_step_through_ports_with_port_step()
    {
        var shared = Parse("--input", Lavfi, "--target", "127.0.0.1:30000", "--devices", "3", "--ssrc", "100", "--seed", "1", "--local-port", "40000");
        Assert.Equal([30000, 30000, 30000], shared.Devices.Select(d => d.Target!.Port));
        Assert.Equal([100u, 101u, 102u], shared.Devices.Select(d => d.Ssrc));
        Assert.Equal([1, 2, 3], shared.Devices.Select(d => d.Seed!.Value));
        Assert.Equal([40000, 40001, 40002], shared.Devices.Select(d => d.LocalPort!.Value));

        var stepped = Parse("--input", Lavfi, "--transport", "tcp", "--target", "127.0.0.1:30000", "--devices", "3", "--port-step", "2");
        Assert.Equal([30000, 30002, 30004], stepped.Devices.Select(d => d.Target!.Port));
        Assert.All(stepped.Devices, d => Assert.Equal(GbTransport.Tcp, d.Transport));
    }

    [Fact]
    public void Targets_list_gives_one_device_per_entry()
    {
        var plan = Parse("--input", Lavfi, "--targets", "127.0.0.1:5000, 127.0.0.2:5002,[::1]:5004");

        Assert.Equal(3, plan.Devices.Count);
        Assert.Equal(IPAddress.IPv6Loopback, plan.Devices[2].Target!.Address);
        Assert.Equal(5002, plan.Devices[1].Target!.Port);
    }

    [Fact]
    public void Tcp_listen_devices_listen_on_any_port_or_consecutive_ports()
    {
        var any = Parse("--input", Lavfi, "--transport", "tcp-listen", "--listen", "127.0.0.1:0", "--devices", "2");
        Assert.All(any.Devices, d => Assert.Equal(0, d.Listen!.Port));
        Assert.All(any.Devices, d => Assert.Null(d.Target));

        var fixedPorts = Parse("--input", Lavfi, "--transport", "tcp-listen", "--listen", "0.0.0.0:20000", "--devices", "2");
        Assert.Equal([20000, 20001], fixedPorts.Devices.Select(d => d.Listen!.Port));
    }

    [Theory]
    [InlineData("'--input' is required", "--target", "127.0.0.1:1")]
    [InlineData("unknown option '--bogus'", "--input", Lavfi, "--target", "127.0.0.1:1", "--bogus", "1")]
    [InlineData("'--target' needs a value", "--input", Lavfi, "--target")]
    [InlineData("'--duration' needs a value", "--input", Lavfi, "--target", "127.0.0.1:1", "--duration", "--loop")]
    [InlineData("'--target' given more than once", "--input", Lavfi, "--target", "127.0.0.1:1", "--target", "127.0.0.1:2")]
    [InlineData("'--transport' must be udp, tcp or tcp-listen, not 'sctp'", "--input", Lavfi, "--transport", "sctp", "--target", "127.0.0.1:1")]
    [InlineData("'--target' is required for --transport udp", "--input", Lavfi)]
    [InlineData("'--target' is required for --transport tcp", "--input", Lavfi, "--transport", "tcp")]
    [InlineData("'--listen' is required for --transport tcp-listen", "--input", Lavfi, "--transport", "tcp-listen")]
    [InlineData("'--listen' is only for --transport tcp-listen", "--input", Lavfi, "--target", "127.0.0.1:1", "--listen", "127.0.0.1:0")]
    [InlineData("'--target' needs HOST:PORT, not '127.0.0.1'", "--input", Lavfi, "--target", "127.0.0.1")]
    [InlineData("'--target' needs HOST:PORT, not '127.0.0.1:70000'", "--input", Lavfi, "--target", "127.0.0.1:70000")]
    [InlineData("'--target' needs a port from 1 to 65535", "--input", Lavfi, "--target", "127.0.0.1:0")]
    [InlineData("'--ssrc' needs a decimal number", "--input", Lavfi, "--target", "127.0.0.1:1", "--ssrc", "4294967296")]
    [InlineData("'--ssrc' needs a decimal number", "--input", Lavfi, "--target", "127.0.0.1:1", "--ssrc", "0x10")]
    [InlineData("'--payload-type' needs a whole number from 0 to 127", "--input", Lavfi, "--target", "127.0.0.1:1", "--payload-type", "128")]
    [InlineData("'--drop' needs a number from 0 to 100", "--input", Lavfi, "--target", "127.0.0.1:1", "--drop", "101")]
    [InlineData("'--reorder' needs a number from 0 to 100", "--input", Lavfi, "--target", "127.0.0.1:1", "--reorder", "x")]
    [InlineData("'--mtu' needs a whole number from 64", "--input", Lavfi, "--target", "127.0.0.1:1", "--mtu", "10")]
    [InlineData("'--duration' needs a number of seconds above 0", "--input", Lavfi, "--target", "127.0.0.1:1", "--duration", "0")]
    [InlineData("'--audio-delay' needs a number", "--input", Lavfi, "--target", "127.0.0.1:1", "--audio-delay", "-1")]
    [InlineData("'--devices' needs a whole number from 1", "--input", Lavfi, "--target", "127.0.0.1:1", "--devices", "0")]
    [InlineData("'--video' must be copy, h264, h265 or none, not 'vp8'", "--input", Lavfi, "--target", "127.0.0.1:1", "--video", "vp8")]
    [InlineData("'--video-bitrate' needs '--video h264' or '--video h265'", "--input", Lavfi, "--target", "127.0.0.1:1", "--video-bitrate", "1000")]
    [InlineData("'--video-bitrate' needs a whole number from 16", "--input", Lavfi, "--target", "127.0.0.1:1", "--video", "h264", "--video-bitrate", "1M")]
    [InlineData("'--audio' must be aac, pcma, pcmu or none, not 'opus'", "--input", Lavfi, "--target", "127.0.0.1:1", "--audio", "opus")]
    [InlineData("'--video none' and '--audio none' leave nothing to send", "--input", Lavfi, "--target", "127.0.0.1:1", "--video", "none", "--audio", "none")]
    [InlineData("'--input': file '/no/such/file.mp4' not found", "--input", "/no/such/file.mp4", "--target", "127.0.0.1:1")]
    [InlineData("'--input' needs a filter graph after 'lavfi:'", "--input", "lavfi:", "--target", "127.0.0.1:1")]
    [InlineData("'--target' and '--targets' exclude each other", "--input", Lavfi, "--target", "127.0.0.1:1", "--targets", "127.0.0.1:2")]
    [InlineData("'--targets' lists 2 target(s) but '--devices' is 3", "--input", Lavfi, "--targets", "127.0.0.1:1,127.0.0.1:2", "--devices", "3")]
    [InlineData("'--local-port' is for udp", "--input", Lavfi, "--transport", "tcp", "--target", "127.0.0.1:1", "--local-port", "5000")]
    [InlineData("'--port-step' must be at least 1", "--input", Lavfi, "--transport", "tcp-listen", "--listen", "127.0.0.1:9000", "--devices", "2", "--port-step", "0")]
    [InlineData("'--port-step': with the device count the ports go past 65535", "--input", Lavfi, "--target", "127.0.0.1:65000", "--devices", "3", "--port-step", "500")]
    public void Bad_arguments_are_refused_naming_the_option(string message, params string[] args)
    {
        var ex = Assert.Throws<UsageException>(() => Parse(args));
        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
    }
}
