namespace Lkm.Host.Streaming;

/// <summary>What a source tells the API, metrics and tests.</summary>
internal sealed partial class Source
{
    /// <summary>A snapshot; runs on the loop.</summary>
    public SourceInfo Describe()
    {
        var players = _outputs.Players.Where(s => !s.Removed).ToList();
        return new SourceInfo
        {
            Id = Id,
            Protocol = _publisher?.Request.Protocol,
            Publisher = _publisher?.Request.RemoteAddress,
            PublishedAt = _publisher?.StartedAt,
            Live = _live,
            Tracks = _tracks.Tracks,
            Players = players.Count,
            PlayersByProtocol = players.GroupBy(s => s.Sink.Protocol).ToDictionary(g => g.Key, g => g.Count()),
            Sinks = players.Select(s => new SinkInfo(s.Sink.Id, s.Sink.Protocol, s.Sink.RemoteEndPoint?.ToString() ?? "-", s.JoinedAt, s.Sink.BytesSent, s.Trans is null)).ToList(),
            DroppedPlayers = _counters.DroppedPlayers,
            FaultedPlayers = _counters.FaultedPlayers,
            Packets = _counters.Packets,
            BytesIn = _counters.BytesIn,
            BytesOut = _counters.BytesOut,
            BitrateInKbps = _counters.Rates.InKbps,
            BitrateOutKbps = _counters.Rates.OutKbps,
            GopPackets = _outputs.GopPackets,
        };
    }

    /// <summary>Closes one player of this stream; false when it is not here. Runs on the loop.</summary>
    public bool CloseSink(string sinkId, string reason) => _outputs.Drop(sinkId, reason);
}
