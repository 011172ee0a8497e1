using System.Buffers;
using System.Net;
using Lkm.Bench.Net;
using Lkm.Bench.Publish;
using Lkm.Bench.Rtmp;
using Lkm.Bench.Tests.Support;
using Lkm.Sdk.Amf;
using Lkm.Sdk.Flv;

namespace Lkm.Bench.Tests.Publish;

public sealed class RtmpPublisherTests
{
    /// <summary>Codec headers, then a key frame at 0, audio at 50, an inter frame at 100: one loop lasts 200 ms.</summary>
    private static FlvFileSource TinyFile()
    {
        var output = new ArrayBufferWriter<byte>();
        FlvWriter.WriteFileHeader(output, hasAudio: true, hasVideo: true);
        FlvWriter.WriteTag(output, FlvTagType.Script, 0, Amf0.Encode("onMetaData", new Amf0Object { { "width", 320.0 } }));
        FlvWriter.WriteTag(output, FlvTagType.Video, 0, [0x17, 0x00, 1]);
        FlvWriter.WriteTag(output, FlvTagType.Audio, 0, [0xAF, 0x00, 0x12, 0x10]);
        FlvWriter.WriteTag(output, FlvTagType.Video, 0, new byte[5000].Prepend((byte)0x01).Prepend((byte)0x17).ToArray());
        FlvWriter.WriteTag(output, FlvTagType.Audio, 50, [0xAF, 0x01, 7]);
        FlvWriter.WriteTag(output, FlvTagType.Video, 100, [0x27, 0x01, 9]);
        return FlvFileSource.Parse(output.WrittenSpan.ToArray());
    }

    [Fact]
    public async Task Publishes_metadata_then_loops_the_file_in_real_time_with_continuous_timestamps()
    {
        await using var server = new FakeRtmpServer();
        var source = TinyFile();
        Assert.Equal(200, source.LoopDurationMs);
        var url = StreamUrl.Parse($"rtmp://127.0.0.1:{server.Port}/live/s%d");
        var stats = new PublisherStats(3, url.Display(3));

        await RtmpPublisher.RunAsync(url, new IPEndPoint(IPAddress.Loopback, server.Port), source, stats, TimeSpan.FromMilliseconds(500), TestContext.Current.CancellationToken);
        await Task.Delay(200, TestContext.Current.CancellationToken); // the last bytes reach the fake server

        var messages = server.Snapshot();
        var commands = messages.Where(m => m.Type == RtmpMessageType.CommandAmf0).Select(m => (string)m.Values![0]!).ToArray();
        Assert.Equal(["connect", "releaseStream", "FCPublish", "createStream", "publish", "FCUnpublish", "deleteStream"], commands);
        var publish = messages.First(m => m.Values is ["publish", ..]);
        Assert.Equal("s3", publish.Values![3]);
        Assert.Equal("live", publish.Values[4]);
        var connect = messages.First(m => m.Values is ["connect", ..]);
        Assert.Equal("live", ((Amf0Object)connect.Values![2]!)["app"]);
        Assert.Equal(RtmpMessageType.SetChunkSize, messages[0].Type);

        var data = Assert.Single(messages, m => m.Type == RtmpMessageType.DataAmf0);
        Assert.Equal(["@setDataFrame", "onMetaData"], data.Values!.Take(2));

        var media = messages.Where(m => RtmpMessageType.IsMedia(m.Type)).ToArray();
        Assert.Equal([0u, 0u, 0u, 50u, 100u, 200u, 250u, 300u, 400u, 450u], media.Select(m => m.Timestamp));
        Assert.Equal(2, media.Count(m => m.Bytes.Length > 1 && m.Bytes[1] == 0x00)); // codec headers on the first loop only
        Assert.Equal(5002, media[2].Length);
        Assert.Equal(10, stats.Tags);
        Assert.Equal(2, stats.Loops);

        // Paced by timestamps: the tag stamped 450 ms left about 450 ms after the first.
        double spread = media[^1].ArrivedMs - media[0].ArrivedMs;
        Assert.InRange(spread, 400, 1000);
    }
}
