using Lkm.Bench.Rtmp;

namespace Lkm.Bench.Tests.Rtmp;

public sealed record ParsedMessage(int Csid, byte Type, uint StreamId, uint Timestamp, int Length, byte[] Body, byte[] Prefix);

/// <summary>Keeps copies of everything the parser reports.</summary>
public sealed class RecordingHandler : IRtmpMessageHandler
{
    public List<ParsedMessage> Messages { get; } = [];

    public long MediaPayload { get; private set; }

    public void OnMediaPayload(byte typeId, int count)
    {
        Assert.True(RtmpMessageType.IsMedia(typeId));
        MediaPayload += count;
    }

    public void OnMessage(in RtmpMessage message) =>
        Messages.Add(new ParsedMessage(message.ChunkStreamId, message.TypeId, message.StreamId, message.Timestamp, message.Length, message.Body.ToArray(), message.Prefix.ToArray()));
}
