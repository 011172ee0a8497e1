using System.Buffers;
using Lkm.Plugins.Rtmp.Protocol;

namespace Lkm.Plugins.Rtmp.Tests.Protocol;

public class AggregateMessageReaderTests
{
    private static void AddSubMessage(List<byte> output, RtmpMessageType type, uint timestamp, byte[] body, bool backPointer = true)
    {
        output.Add((byte)type);
        output.AddRange([(byte)(body.Length >> 16), (byte)(body.Length >> 8), (byte)body.Length]);
        output.AddRange([(byte)(timestamp >> 16), (byte)(timestamp >> 8), (byte)timestamp, (byte)(timestamp >> 24)]);
        output.AddRange([0, 0, 0]);
        output.AddRange(body);
        if (backPointer)
        {
            int size = 11 + body.Length;
            output.AddRange([(byte)(size >> 24), (byte)(size >> 16), (byte)(size >> 8), (byte)size]);
        }
    }

    private static List<(RtmpMessageType Type, uint Ts, byte[] Body)> Split(byte[] payload, uint aggregateTimestamp)
    {
        var aggregate = new RtmpMessage(6, RtmpMessageType.Aggregate, aggregateTimestamp, 1, new ReadOnlySequence<byte>(payload));
        var reader = new AggregateMessageReader(aggregate);
        var result = new List<(RtmpMessageType, uint, byte[])>();
        while (reader.TryReadNext(out var sub))
        {
            Assert.Equal(1, sub.StreamId);
            result.Add((sub.Type, sub.Timestamp, sub.Payload.ToArray()));
        }

        return result;
    }

    [Fact]
    public void Sub_messages_are_split_and_rebased_on_the_aggregate_timestamp()
    {
        var data = new List<byte>();
        AddSubMessage(data, RtmpMessageType.Video, 1000, [0x17, 1, 2]);
        AddSubMessage(data, RtmpMessageType.Audio, 1010, [0xAF, 1]);
        AddSubMessage(data, RtmpMessageType.Video, 1040, [0x27, 3], backPointer: false);

        var subs = Split([.. data], 5000);

        Assert.Equal(
            [(RtmpMessageType.Video, 5000u), (RtmpMessageType.Audio, 5010u), (RtmpMessageType.Video, 5040u)],
            subs.Select(s => (s.Type, s.Ts)));
        Assert.Equal(new byte[] { 0xAF, 1 }, subs[1].Body);
    }

    [Fact]
    public void Extended_sub_timestamps_use_the_high_byte()
    {
        var data = new List<byte>();
        AddSubMessage(data, RtmpMessageType.Audio, 0x01FFFFF0, [1]);
        AddSubMessage(data, RtmpMessageType.Audio, 0x02000010, [2]);

        var subs = Split([.. data], 0x01FFFFF0);

        Assert.Equal([0x01FFFFF0u, 0x02000010u], subs.Select(s => s.Ts));
    }

    [Fact]
    public void A_sub_message_running_past_the_end_is_a_protocol_error()
    {
        var data = new List<byte>();
        AddSubMessage(data, RtmpMessageType.Video, 0, new byte[100]);
        var truncated = data.Take(60).ToArray();

        Assert.Throws<RtmpProtocolException>(() => Split(truncated, 0));
        Assert.Throws<RtmpProtocolException>(() => Split([1, 2, 3], 0));
    }

    [Fact]
    public void Random_aggregates_never_throw_anything_else()
    {
        var random = new Random(5);
        for (int i = 0; i < 5000; i++)
        {
            var data = new byte[random.Next(0, 300)];
            random.NextBytes(data);
            try
            {
                var subs = Split(data, (uint)random.Next());
                Assert.True(subs.Sum(s => s.Body.Length + 11) <= data.Length);
            }
            catch (RtmpProtocolException)
            {
            }
        }
    }
}
