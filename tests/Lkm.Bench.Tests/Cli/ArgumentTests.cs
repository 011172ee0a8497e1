using Lkm.Bench.Cli;
using Lkm.Bench.Net;

namespace Lkm.Bench.Tests.Cli;

public sealed class ArgumentTests
{
    [Fact]
    public void Play_options_parse_with_repeated_urls()
    {
        var options = Commands.ParsePlay(["--url", "rtmp://127.0.0.1:1/a/b", "--url", "http://127.0.0.1:2/a/b.flv", "-n", "30", "--ramp", "10",
            "--duration", "5", "--expect-kbps", "1000", "--server-pid", "42", "--json", "out.json",
            "--server-metrics", "http://127.0.0.1:8080/metrics", "--server-metrics-token", "t0k"]);

        Assert.Equal([StreamProtocol.Rtmp, StreamProtocol.HttpFlv], options.Urls.Select(u => u.Protocol));
        Assert.Equal(30, options.Players);
        Assert.Equal(10, options.RampPerSecond);
        Assert.Equal(TimeSpan.FromSeconds(5), options.Duration);
        Assert.Equal(TimeSpan.FromSeconds(3), options.RampTime);
        Assert.Equal(1000, options.ExpectKbps);
        Assert.Equal(42, options.ServerPid);
        Assert.Equal("out.json", options.JsonPath);
        Assert.Equal(new Uri("http://127.0.0.1:8080/metrics"), options.ServerMetricsUrl);
        Assert.Equal("t0k", options.ServerMetricsToken);
    }

    [Theory]
    [InlineData("-n 5")]
    [InlineData("--url rtmp://127.0.0.1/a/b -n 0")]
    [InlineData("--url rtmp://127.0.0.1/a/b --bogus 1")]
    [InlineData("--url rtmp://127.0.0.1/a/b -n")]
    [InlineData("--url rtmp://127.0.0.1/a/b --duration soon")]
    [InlineData("--url rtsp://127.0.0.1/a/b")]
    [InlineData("--url rtmp://127.0.0.1/a/b --server-metrics 127.0.0.1:8080/metrics")]
    [InlineData("--url rtmp://127.0.0.1/a/b --server-metrics ftp://127.0.0.1/metrics")]
    public void Bad_play_arguments_are_usage_errors(string args) =>
        Assert.Throws<UsageException>(() => Commands.ParsePlay(args.Split(' ')));

    [Fact]
    public void Publish_needs_an_rtmp_url_and_an_existing_file()
    {
        Assert.Throws<UsageException>(() => Commands.ParsePublish(["--file", "/nonexistent.flv", "--url", "rtmp://127.0.0.1/a/b"]));
        Assert.Throws<UsageException>(() => Commands.ParsePublish(["--file", typeof(ArgumentTests).Assembly.Location, "--url", "http://127.0.0.1/a.flv"]));
    }
}
