using System.Buffers;
using Lkm.Plugins.Rtmp.Protocol;
using Lkm.Testing;

namespace Lkm.Plugins.Rtmp.Tests.Infrastructure;

/// <summary>A message as the tests compare them (payload copied out of the reader's buffers).</summary>
internal sealed record ReadMessage(int Csid, RtmpMessageType Type, uint Timestamp, int StreamId, byte[] Payload)
{
    public override string ToString() => $"csid {Csid} type {Type} ts {Timestamp} sid {StreamId} len {Payload.Length}";
}

/// <summary>
/// Drives a <see cref="RtmpChunkReader"/> the way the connection does with a PipeReader: input
/// arrives in pieces, the unconsumed rest is offered again with the next piece, and the buffer is
/// split into several segments so multi-segment parsing is exercised.
/// </summary>
internal static class ChunkFeeder
{
    public static List<ReadMessage> ReadAll(RtmpChunkReader reader, byte[] data, int pieceSize = int.MaxValue, Random? segmentation = null)
    {
        var messages = new List<ReadMessage>();
        var pending = new List<byte>();
        int offset = 0;
        while (offset < data.Length || pending.Count > 0)
        {
            int take = Math.Min(pieceSize, data.Length - offset);
            pending.AddRange(data.AsSpan(offset, take));
            offset += take;

            var buffer = segmentation is null ? new ReadOnlySequence<byte>(pending.ToArray()) : SegmentedSequence.OfRandomSizes(pending.ToArray(), segmentation);
            long before = buffer.Length;
            while (reader.TryReadMessage(ref buffer, out var message))
            {
                messages.Add(new ReadMessage(message.ChunkStreamId, message.Type, message.Timestamp, message.StreamId, message.Payload.ToArray()));
            }

            int consumed = (int)(before - buffer.Length);
            pending.RemoveRange(0, consumed);
            if (take == 0)
            {
                break;
            }
        }

        return messages;
    }
}
