using System.Buffers;
using System.Text;
using Lkm.Bench.Http;
using Lkm.Bench.Net;
using Lkm.Bench.Tests.Support;

namespace Lkm.Bench.Tests.Transport;

public sealed class ChunkedBodyDecoderTests
{
    private static (CollectingSink Sink, ChunkedBodyDecoder Decoder, PipeFeeder Feeder) Decode(string body, int pieceLength)
    {
        var sink = new CollectingSink();
        var decoder = new ChunkedBodyDecoder();
        var feeder = PipeFeeder.FeedAll(Encoding.Latin1.GetBytes(body), pieceLength, (ref SequenceReader<byte> r) => decoder.Decode(ref r, sink));
        return (sink, decoder, feeder);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(5)]
    [InlineData(1000)]
    public void Chunk_data_reaches_the_sink_in_any_split(int pieceLength)
    {
        var (sink, decoder, feeder) = Decode("5\r\nhello\r\n3;ext=1\r\nabc\r\nA\r\n0123456789\r\n0\r\n\r\n", pieceLength);

        Assert.Equal("helloabc0123456789", Encoding.ASCII.GetString([.. sink.Bytes]));
        Assert.True(decoder.IsDone);
        Assert.True(feeder.Unconsumed <= 2); // the final CRLF after the last chunk is not read
    }

    [Fact]
    public void An_incomplete_size_line_is_left_unconsumed()
    {
        var (sink, decoder, feeder) = Decode("1f", 100);

        Assert.Empty(sink.Bytes);
        Assert.False(decoder.IsDone);
        Assert.Equal(2, feeder.Unconsumed);
    }

    [Theory]
    [InlineData("zz\r\nab\r\n")]
    [InlineData("3\r\nabcXX")]
    [InlineData("5\nhello\r\n")]
    [InlineData("123456789\r\n")]
    [InlineData("\r\n")]
    public void Malformed_framing_is_rejected(string body) =>
        Assert.Throws<TransportFormatException>(() => Decode(body, 1000));

    [Fact]
    public void A_size_line_without_end_is_rejected_once_too_long() =>
        Assert.Throws<TransportFormatException>(() => Decode(new string('1', 2000), 100));

    [Fact]
    public void Random_input_throws_only_the_transport_exception()
    {
        var random = new Random(777);
        const string alphabet = "0123456789abcdefAF;\r\n xyz";
        for (int i = 0; i < 10_000; i++)
        {
            var text = new StringBuilder();
            for (int n = random.Next(0, 80); n > 0; n--)
            {
                text.Append(alphabet[random.Next(alphabet.Length)]);
            }

            try
            {
                Decode(text.ToString(), random.Next(1, 20));
            }
            catch (TransportFormatException)
            {
                // The only failure allowed.
            }
        }
    }
}
