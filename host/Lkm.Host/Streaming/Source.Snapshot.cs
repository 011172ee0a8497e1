namespace Lkm.Host.Streaming;

/// <summary>What a source tells the API and metrics, and the one player operation they may ask for.</summary>
internal sealed partial class Source
{
    /// <summary>A snapshot for the API, metrics and tests; runs on the loop.</summary>
    public SourceInfo Describe() => new()
    {
        Id = Id,
        Protocol = ActivePublisher?.Request.Protocol,
        Publisher = ActivePublisher?.Request.RemoteAddress,
        PublishedAt = ActivePublisher?.StartedAt,
        Live = _live,
        Tracks = _tracks.ToList(),
        Players = _sinks.Count(s => !s.Removed),
        PlayersByProtocol = _sinks.Where(s => !s.Removed).GroupBy(s => s.Sink.Protocol).ToDictionary(g => g.Key, g => g.Count()),
        Sinks = _sinks.Where(s => !s.Removed).Select(s => new SinkInfo(s.Sink.Id, s.Sink.Protocol, s.Sink.RemoteEndPoint?.ToString() ?? "-", s.JoinedAt, s.Sink.BytesSent, s.Trans is null)).ToList(),
        DroppedPlayers = _droppedPlayers,
        Packets = _packets,
        BytesIn = _bytesIn,
        BytesOut = _bytesOut,
        BitrateInKbps = _rates.InKbps,
        BitrateOutKbps = _rates.OutKbps,
        GopPackets = _gop.Count,
    };

    /// <summary>Closes one player of this stream; false when it is not here.</summary>
    public bool CloseSink(string sinkId, string reason)
    {
        var sink = _sinks.FirstOrDefault(s => !s.Removed && s.Sink.Id == sinkId);
        if (sink is null)
        {
            return false;
        }

        Drop(sink, reason);
        return true;
    }
}
