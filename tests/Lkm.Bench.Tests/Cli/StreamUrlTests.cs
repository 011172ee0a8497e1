using Lkm.Bench.Net;

namespace Lkm.Bench.Tests.Cli;

public sealed class StreamUrlTests
{
    [Fact]
    public void Rtmp_url_splits_into_app_and_stream_name_with_the_query_kept()
    {
        var url = StreamUrl.Parse("rtmp://127.0.0.1:19350/live/cam/1?token=abc");

        Assert.Equal(StreamProtocol.Rtmp, url.Protocol);
        Assert.Equal(19350, url.Port);
        Assert.Equal(("live", "cam/1?token=abc"), url.RtmpTarget(0));
        Assert.Equal("rtmp://127.0.0.1:19350/live", url.TcUrl("live"));
    }

    [Fact]
    public void Index_placeholder_is_replaced_per_client()
    {
        var url = StreamUrl.Parse("rtmp://localhost/live/s%d");

        Assert.Equal(1935, url.Port);
        Assert.Equal(("live", "s7"), url.RtmpTarget(7));
        Assert.Equal("rtmp://localhost/live/s%d", url.ToString());
        Assert.Equal("rtmp://localhost/live/s12", url.Display(12));
    }

    [Theory]
    [InlineData("http://127.0.0.1:8080/live/test.flv", StreamProtocol.HttpFlv, 8080, "127.0.0.1:8080")]
    [InlineData("ws://example.test/live/test.flv?x=1", StreamProtocol.WsFlv, 80, "example.test")]
    public void Flv_urls_keep_path_and_query(string text, StreamProtocol protocol, int port, string hostHeader)
    {
        var url = StreamUrl.Parse(text);

        Assert.Equal(protocol, url.Protocol);
        Assert.Equal(port, url.Port);
        Assert.Equal(hostHeader, url.HostHeader);
        Assert.Equal(text, url.ToString());
    }

    [Theory]
    [InlineData("rtsp://127.0.0.1/live/test")]
    [InlineData("rtmp://127.0.0.1/live")]
    [InlineData("http://127.0.0.1/")]
    [InlineData("not a url")]
    public void Unsupported_or_incomplete_urls_are_rejected(string text) =>
        Assert.Throws<FormatException>(() => StreamUrl.Parse(text));
}
