namespace Lkm.Plugins.Flv.Tests;

public sealed class FlvStreamPathTests
{
    [Theory]
    [InlineData("live/cam.flv", "live/cam")]
    [InlineData("live/cam/1.flv", "live/cam/1")]
    [InlineData("34020000001320000001/34020000001310000001.flv", "34020000001320000001/34020000001310000001")]
    [InlineData("a.b/c.d.FLV", "a.b/c.d")]
    [InlineData("x.flv", "x")]
    public void AcceptsIdsWithSeveralSlashes(string path, string expected)
    {
        Assert.True(FlvStreamPath.TryGetStreamId(path, out string id, out string error), error);
        Assert.Equal(expected, id);
    }

    [Theory]
    [InlineData(".flv")]
    [InlineData("live/.flv")]
    [InlineData("/live/a.flv")]
    [InlineData("live//a.flv")]
    [InlineData("live/../a.flv")]
    [InlineData("../a.flv")]
    [InlineData("live/./a.flv")]
    [InlineData("live/a\n.flv")]
    [InlineData("live/a\u0000.flv")]
    [InlineData("live\\a.flv")]
    [InlineData("live/a.mp4")]
    public void RejectsEmptyTraversingOrControlCharacterIds(string path)
    {
        Assert.False(FlvStreamPath.TryGetStreamId(path, out _, out string error));
        Assert.NotEmpty(error);
    }

    [Fact]
    public void RejectsOverlongIds()
    {
        Assert.False(FlvStreamPath.TryGetStreamId(new string('a', FlvStreamPath.MaxStreamIdLength + 1) + ".flv", out _, out _));
        Assert.True(FlvStreamPath.TryGetStreamId(new string('a', FlvStreamPath.MaxStreamIdLength) + ".flv", out _, out _));
    }

    [Fact]
    public void RandomPathsNeverThrowAndAcceptedIdsAreClean()
    {
        var random = new Random(1234);
        const string alphabet = "ab/.\\\u0001\n %fl v0";
        for (int i = 0; i < 10_000; i++)
        {
            var chars = new char[random.Next(0, 24)];
            for (int j = 0; j < chars.Length; j++)
            {
                chars[j] = alphabet[random.Next(alphabet.Length)];
            }

            string path = new string(chars) + (random.Next(2) == 0 ? ".flv" : string.Empty);
            if (FlvStreamPath.TryGetStreamId(path, out string id, out _))
            {
                Assert.NotEmpty(id);
                Assert.DoesNotContain(id.Split('/'), s => s is "" or "." or "..");
                Assert.DoesNotContain(id, c => char.IsControl(c) || c == '\\');
            }
        }
    }
}
