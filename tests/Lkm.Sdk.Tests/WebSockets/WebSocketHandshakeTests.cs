using System.Security.Cryptography;
using System.Text;
using Lkm.Sdk.WebSockets;

namespace Lkm.Sdk.Tests.WebSockets;

public class WebSocketHandshakeTests
{
    [Fact]
    public void AcceptKeyOfTheRfcExample()
    {
        // RFC 6455 1.3 and 4.2.2.
        Assert.Equal("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", WebSocketHandshake.AcceptKey("dGhlIHNhbXBsZSBub25jZQ=="));
    }

    [Theory]
    [InlineData(" dGhlIHNhbXBsZSBub25jZQ==")]
    [InlineData("dGhlIHNhbXBsZSBub25jZQ== ")]
    [InlineData("\tdGhlIHNhbXBsZSBub25jZQ==\t")]
    public void SurroundingWhitespaceOfTheHeaderValueIsIgnored(string key)
    {
        // Optional whitespace around a header value is not part of it (RFC 9110 5.5).
        Assert.Equal("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", WebSocketHandshake.AcceptKey(key));
    }

    [Fact]
    public void AcceptKeyIsTheBase64OfTheSha1OfKeyAndGuid()
    {
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
        var expected = Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")));

        string accept = WebSocketHandshake.AcceptKey(key);

        Assert.Equal(expected, accept);
        Assert.Equal(28, accept.Length);
        Assert.NotEqual(accept, WebSocketHandshake.AcceptKey(Convert.ToBase64String(RandomNumberGenerator.GetBytes(16))));
    }

    [Fact]
    public void NullKeyIsRefused()
    {
        Assert.Throws<ArgumentNullException>(() => WebSocketHandshake.AcceptKey(null!));
    }
}
