using System.Buffers;
using System.Text;
using Lkm.Bench.Http;
using Lkm.Bench.Net;
using Lkm.Bench.WebSockets;
using Lkm.Testing;

namespace Lkm.Bench.Tests.Transport;

public sealed class HttpResponseHeadTests
{
    [Fact]
    public void Parses_the_head_and_leaves_the_body_unconsumed()
    {
        byte[] response = Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nContent-Type: video/x-flv\r\nTransfer-Encoding: chunked\r\n\r\nFLV");
        var reader = new SequenceReader<byte>(SegmentedSequence.Create(response[..20], response[20..]));

        Assert.True(HttpResponseHead.TryParse(ref reader, out var head));

        Assert.Equal(200, head.Status);
        Assert.Equal("OK", head.Reason);
        Assert.True(head.IsChunked);
        Assert.Equal("video/x-flv", head.Header("content-type"));
        Assert.Equal("FLV", Encoding.ASCII.GetString(reader.UnreadSequence.ToArray()));
    }

    [Fact]
    public void An_incomplete_head_consumes_nothing()
    {
        var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nContent-Type: vid")));

        Assert.False(HttpResponseHead.TryParse(ref reader, out _));
        Assert.Equal(0, reader.Consumed);
    }

    [Theory]
    [InlineData("FOO\r\n\r\n")]
    [InlineData("HTTP/1.1 2000 OK\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nno colon here\r\n\r\n")]
    [InlineData("RTSP/1.0 200 OK\r\n\r\n")]
    public void Malformed_heads_are_rejected(string text)
    {
        var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(Encoding.ASCII.GetBytes(text)));
        try
        {
            HttpResponseHead.TryParse(ref reader, out _);
            Assert.Fail("accepted: " + text);
        }
        catch (TransportFormatException)
        {
        }
    }

    [Fact]
    public void A_head_that_never_ends_is_rejected_once_too_long()
    {
        var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\n" + new string('x', HttpResponseHead.MaxLength))));
        try
        {
            HttpResponseHead.TryParse(ref reader, out _);
            Assert.Fail("accepted an endless head");
        }
        catch (TransportFormatException)
        {
        }
    }

    [Fact]
    public void WebSocket_accept_matches_the_RFC_6455_example() =>
        Assert.Equal("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", WebSocketHandshake.ExpectedAccept("dGhlIHNhbXBsZSBub25jZQ=="));

    [Fact]
    public void Random_heads_throw_only_the_transport_exception()
    {
        var random = new Random(5);
        string[] parts = ["HTTP/1.1 ", "200", " OK", "\r\n", ":", "X", " ", "\r\n\r\n", "HTTP/1.0 101", "Transfer-Encoding: chunked"];
        for (int i = 0; i < 10_000; i++)
        {
            var text = new StringBuilder();
            for (int n = random.Next(0, 10); n > 0; n--)
            {
                text.Append(parts[random.Next(parts.Length)]);
            }

            var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(Encoding.Latin1.GetBytes(text.ToString())));
            try
            {
                HttpResponseHead.TryParse(ref reader, out _);
            }
            catch (TransportFormatException)
            {
                // The only failure allowed.
            }
        }
    }
}
