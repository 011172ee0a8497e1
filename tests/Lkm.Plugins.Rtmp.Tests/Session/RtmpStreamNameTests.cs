using Lkm.Plugins.Rtmp.Session;

namespace Lkm.Plugins.Rtmp.Tests.Session;

public class RtmpStreamNameTests
{
    [Fact]
    public void The_stream_id_is_app_slash_name_and_the_name_query_is_decoded()
    {
        Assert.True(RtmpStreamName.TryParse("live", "rtmp://127.0.0.1:1935/live", "test?token=abc&sign=a%2Bb&x=1+2", out var name));

        Assert.Equal("live/test", name.StreamId);
        Assert.Equal("abc", name.Query["token"]);
        Assert.Equal("a+b", name.Query["sign"]);
        Assert.Equal("1 2", name.Query["x"]);
    }

    [Fact]
    public void A_query_on_the_app_or_the_tcUrl_is_kept_and_the_name_wins()
    {
        Assert.True(RtmpStreamName.TryParse("live?token=app&a=1", "rtmp://h/live?token=tc&b=2", "cam1?token=name", out var name));

        Assert.Equal("live/cam1", name.StreamId);
        Assert.Equal("name", name.Query["token"]);
        Assert.Equal("1", name.Query["a"]);
        Assert.Equal("2", name.Query["b"]);
    }

    [Theory]
    [InlineData("live/sub", "cam", "live/sub/cam")]
    [InlineData("/live/", "/cam/1", "live/cam/1")]
    [InlineData("", "cam", "cam")]
    [InlineData(null, "34020000001320000001/34020000001320000001", "34020000001320000001/34020000001320000001")]
    public void Slashes_are_trimmed_and_ids_may_have_several_parts(string? app, string name, string expected)
    {
        Assert.True(RtmpStreamName.TryParse(app, null, name, out var parsed));
        Assert.Equal(expected, parsed.StreamId);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("?token=1")]
    [InlineData("../etc")]
    public void Empty_or_escaping_names_are_refused(string? name)
    {
        Assert.False(RtmpStreamName.TryParse("live", null, name, out _));
    }
}
