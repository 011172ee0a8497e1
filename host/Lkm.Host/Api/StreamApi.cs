using System.Globalization;
using Lkm.Host.Streaming;
using Lkm.Sdk.Media;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Lkm.Host.Api;

/// <summary>The LKM stream calls: source/list, source/close, sink/list, sink/close, streams/statistics.</summary>
public sealed partial class StreamApi(ApiServices services, ILogger logger)
{
    private IStreamDirectory Streams => services.Streams;

    public void Register(ApiDispatcher dispatcher)
    {
        dispatcher.Add("/api/v1/source/list", ListSourcesAsync);
        dispatcher.Add("/api/v1/source/close", CloseSourceAsync);
        dispatcher.Add("/api/v1/sink/list", ListSinksAsync);
        dispatcher.Add("/api/v1/sink/close", CloseSinkAsync);
        dispatcher.Add("/api/v1/streams/statistics", StatisticsAsync);
    }

    private async Task ListSourcesAsync(HttpContext context, ApiParameters parameters)
    {
        var infos = await Streams.DescribeAllAsync().ConfigureAwait(false);
        IReadOnlyList<SourceDto> rows = infos.Select(ToSource).ToList();
        await ApiResponse.OkAsync(context, rows, ApiJsonContext.Default.IReadOnlyListSourceDto).ConfigureAwait(false);
    }

    private async Task CloseSourceAsync(HttpContext context, ApiParameters parameters)
    {
        string id = parameters.Require("source");
        if (!Streams.Close(id, "closed by the API"))
        {
            throw new ApiException(StatusCodes.Status404NotFound, $"no stream '{id}'");
        }

        Log.SourceClosed(logger, id, Peer(context));

        await ApiResponse.OkAsync(context, id, ApiJsonContext.Default.String).ConfigureAwait(false);
    }

    private async Task ListSinksAsync(HttpContext context, ApiParameters parameters)
    {
        string id = parameters.Require("source");
        var info = await Streams.DescribeAsync(id).ConfigureAwait(false) ?? throw new ApiException(StatusCodes.Status404NotFound, $"no stream '{id}'");
        IReadOnlyList<SinkDto> rows = info.Sinks
            .Select(s => new SinkDto(s.Id, id, s.Protocol, s.RemoteAddress, FormatTime(s.JoinedAt), s.BytesSent, s.Waiting))
            .ToList();
        await ApiResponse.OkAsync(context, rows, ApiJsonContext.Default.IReadOnlyListSinkDto).ConfigureAwait(false);
    }

    private async Task CloseSinkAsync(HttpContext context, ApiParameters parameters)
    {
        string id = parameters.Require("source");
        string sink = parameters.Require("sink");
        if (!await Streams.CloseSinkAsync(id, sink, "closed by the API").ConfigureAwait(false))
        {
            throw new ApiException(StatusCodes.Status404NotFound, $"no player '{sink}' on stream '{id}'");
        }

        Log.SinkClosed(logger, id, sink, Peer(context));

        await ApiResponse.OkAsync(context, sink, ApiJsonContext.Default.String).ConfigureAwait(false);
    }

    private async Task StatisticsAsync(HttpContext context, ApiParameters parameters)
    {
        var infos = await Streams.DescribeAllAsync().ConfigureAwait(false);
        await ApiResponse.OkAsync(context, Statistics(infos), ApiJsonContext.Default.StatisticsDto).ConfigureAwait(false);
    }

    public static StatisticsDto Statistics(IReadOnlyList<SourceInfo> infos)
    {
        var byProtocol = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var (protocol, count) in infos.SelectMany(i => i.PlayersByProtocol))
        {
            byProtocol[protocol] = byProtocol.GetValueOrDefault(protocol) + count;
        }

        return new StatisticsDto
        {
            Streams = infos.Count,
            Publishers = infos.Count(i => i.Protocol is not null),
            Players = infos.Sum(i => i.Players),
            PlayersByProtocol = byProtocol,
            BytesIn = infos.Sum(i => i.BytesIn),
            BytesOut = infos.Sum(i => i.BytesOut),
            BitrateInKbps = Math.Round(infos.Sum(i => i.BitrateInKbps), 1),
            BitrateOutKbps = Math.Round(infos.Sum(i => i.BitrateOutKbps), 1),
            DroppedPlayers = infos.Sum(i => i.DroppedPlayers),
            Items = infos.Select(i => new StreamStatisticsDto
            {
                Id = i.Id,
                Protocol = i.Protocol ?? "",
                Publisher = i.Publisher,
                Live = i.Live,
                UptimeSeconds = Math.Round(i.UptimeSeconds, 1),
                BitrateInKbps = Math.Round(i.BitrateInKbps, 1),
                BitrateOutKbps = Math.Round(i.BitrateOutKbps, 1),
                BytesIn = i.BytesIn,
                BytesOut = i.BytesOut,
                Packets = i.Packets,
                Players = i.Players,
                PlayersByProtocol = new SortedDictionary<string, int>(i.PlayersByProtocol.ToDictionary(), StringComparer.Ordinal),
                DroppedPlayers = i.DroppedPlayers,
                Tracks = i.Tracks.Select(ToTrack).ToList(),
            }).ToList(),
        };
    }

    public static SourceDto ToSource(SourceInfo info) => new()
    {
        Id = info.Id,
        Protocol = info.Protocol ?? "",
        Time = info.PublishedAt is { } t ? FormatTime(t) : "",
        SinkCount = info.Players,
        Bitrate = (long)Math.Round(info.BitrateInKbps),
        Tracks = info.Tracks.Select(t => t.Codec.Name()).ToList(),
        Publisher = info.Publisher,
        Live = info.Live,
        UptimeSeconds = Math.Round(info.UptimeSeconds, 1),
        TrackDetails = info.Tracks.Select(ToTrack).ToList(),
    };

    private static TrackDto ToTrack(MediaTrack t) =>
        new(t.Codec.Name(), t.MediaType == MediaType.Video ? "video" : "audio", t.Width, t.Height, t.SampleRate, t.Channels);

    /// <summary>LKM's time format, in the server's local time.</summary>
    private static string FormatTime(DateTime utc) => utc.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    private static string Peer(HttpContext context) => $"{context.Connection.RemoteIpAddress}:{context.Connection.RemotePort}";

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Stream {Stream} closed through the API by {Peer}")]
        public static partial void SourceClosed(ILogger logger, string stream, string peer);

        [LoggerMessage(2, LogLevel.Information, "Player {Sink} of stream {Stream} disconnected through the API by {Peer}")]
        public static partial void SinkClosed(ILogger logger, string stream, string sink, string peer);
    }
}
