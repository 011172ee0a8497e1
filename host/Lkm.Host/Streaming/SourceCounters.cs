namespace Lkm.Host.Streaming;

/// <summary>
/// What a source counts for the API and metrics: the publisher side counts what comes in, the
/// outputs what goes out. Touched by the source's loop only, so plain increments.
/// </summary>
internal sealed class SourceCounters
{
    public long Packets { get; private set; }

    public long BytesIn { get; private set; }

    public long BytesOut { get; private set; }

    /// <summary>Players disconnected because they could not keep up.</summary>
    public long DroppedPlayers { get; private set; }

    /// <summary>Players that ended on an error in their own code (a bug, not a lost connection).</summary>
    public long FaultedPlayers { get; private set; }

    public BitrateMeter Rates { get; } = new();

    public void PacketIn(int bytes)
    {
        Packets++;
        BytesIn += bytes;
    }

    public void SentToPlayer(int bytes) => BytesOut += bytes;

    public void PlayerDropped() => DroppedPlayers++;

    public void PlayerFaulted() => FaultedPlayers++;

    public void Sample() => Rates.Sample(BytesIn, BytesOut);
}
