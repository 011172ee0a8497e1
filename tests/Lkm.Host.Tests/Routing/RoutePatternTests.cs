using Lkm.Host.Routing;

namespace Lkm.Host.Tests.Routing;

public sealed class RoutePatternTests
{
    [Theory]
    [InlineData("live/**", "live/a", true)]
    [InlineData("live/**", "live/a/b/c", true)]
    [InlineData("live/**", "live", true)]
    [InlineData("live/**", "lived/a", false)]
    [InlineData("cam/*", "cam/1", true)]
    [InlineData("cam/*", "cam/1/2", false)]
    [InlineData("cam/*", "cam", false)]
    [InlineData("34020000001320000001/*", "34020000001320000001/34020000001320000001", true)]
    [InlineData("a/*/hd", "a/x/hd", true)]
    [InlineData("a/*/hd", "a/x/y/hd", false)]
    [InlineData("exact/id", "exact/id", true)]
    [InlineData("exact/id", "exact/idx", false)]
    [InlineData("**", "anything/at/all", true)]
    [InlineData("live/a.b", "live/aXb", false)]
    public void Matches_stream_ids(string pattern, string id, bool expected) => Assert.Equal(expected, new RoutePattern(pattern).IsMatch(id));
}
