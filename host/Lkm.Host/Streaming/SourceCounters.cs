namespace Lkm.Host.Streaming;

/// <summary>What a source counts for the API and metrics. Written by the source's loop only.</summary>
internal sealed class SourceCounters
{
    public long Packets;
    public long BytesIn;
    public long BytesOut;

    /// <summary>Players disconnected because they could not keep up.</summary>
    public long DroppedPlayers;

    /// <summary>Players that ended on an error in their own code (a bug, not a lost connection).</summary>
    public long FaultedPlayers;

    public BitrateMeter Rates { get; } = new();

    public void Sample() => Rates.Sample(BytesIn, BytesOut);
}
