using System.Net;
using Lkm.Plugins.Gb28181.Sources;
using Lkm.Sdk.Plugins;
using Lkm.Sdk.Rtp;
using Microsoft.Extensions.Logging;

namespace Lkm.Plugins.Gb28181.Transport;

/// <summary>
/// The one UDP port of single-port mode: every device sends to it and each datagram goes to the source created with
/// its SSRC. A datagram of an SSRC no source has (a device nobody created, a stale one, garbage) is dropped and
/// counted; the log says so at most once per <see cref="LogInterval"/>.
/// </summary>
internal sealed partial class SharedUdpPort(GbSourceTable sources, ILogger logger)
{
    private static readonly long LogInterval = 10_000;

    private long _lastLogged = -LogInterval; // the first drop is logged at once
    private long _unloggedDrops;

    /// <summary>Datagrams dropped: unknown SSRC, or too short to carry one.</summary>
    public long UnknownSsrc { get; private set; }

    public ValueTask OnDatagramAsync(ReadOnlyMemory<byte> datagram, SocketAddress remote, CancellationToken cancellationToken)
    {
        var span = datagram.Span;
        if (RtpHeader.TryReadSsrc(span, out uint ssrc) && sources.FindBySsrc(ssrc, tcp: false) is { } source)
        {
            source.OnPacket(span, remote, null);
            return ValueTask.CompletedTask;
        }

        UnknownSsrc++;
        _unloggedDrops++;
        long now = Environment.TickCount64;
        if (now - _lastLogged >= LogInterval)
        {
            _lastLogged = now;
            Log.UnknownSsrc(logger, new IPEndPoint(IPAddress.Any, 0).Create(remote).ToString() ?? "?", span.Length >= RtpHeader.FixedLength ? ssrc : 0, _unloggedDrops, UnknownSsrc);
            _unloggedDrops = 0;
        }

        return ValueTask.CompletedTask;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 20, Level = LogLevel.Warning, Message = "GB28181 shared UDP port: datagram from {Remote} with SSRC {Ssrc} matches no source, dropped ({Recent} since the last such line, {Total} in all)")]
        public static partial void UnknownSsrc(ILogger logger, string remote, uint ssrc, long recent, long total);
    }
}
