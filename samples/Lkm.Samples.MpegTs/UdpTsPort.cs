using System.Net;
using Lkm.Sdk.MpegTs;
using Lkm.Sdk.Plugins;
using Lkm.Sdk.Streaming;
using Microsoft.Extensions.Logging;

namespace Lkm.Samples.MpegTs;

/// <summary>
/// One UDP port: the first MPEG-TS datagram publishes the port's stream, later ones from the same sender feed it,
/// and after <see cref="MpegTsOptions.ReceiveTimeout"/> of silence (or when the host ends the publish) the stream
/// ends; the next datagram publishes it again. Datagrams come one at a time from the host's receive loop.
/// </summary>
internal sealed partial class UdpTsPort : IAsyncDisposable
{
    // After a refused publish, datagrams are dropped for this long rather than asking the hub (and its hooks) again for each.
    private static readonly TimeSpan RetryAfterDenial = TimeSpan.FromSeconds(1);

    private readonly MpegTsPort _port;
    private readonly IPluginContext _context;
    private readonly MpegTsOptions _options;
    private readonly ILogger _logger;
    private readonly Lock _lock = new();
    private readonly CancellationTokenSource _stopped = new();
    private Session? _session;
    private long _deniedUntil;
    private bool _refusalLogged;
    private bool _denialLogged;
    private IUdpListener? _listener;
    private Task _watchdog = Task.CompletedTask;

    public UdpTsPort(MpegTsPort port, IPluginContext context, MpegTsOptions options, ILogger logger)
    {
        _port = port;
        _context = context;
        _options = options;
        _logger = logger;
    }

    public IPEndPoint? LocalEndPoint => _listener?.LocalEndPoint;

    public void Start()
    {
        _listener = _context.ListenUdp($"mpegts-udp-{_port.Port}", _options.EndPoint(_port), OnDatagramAsync);
        _watchdog = WatchAsync();
        Log.Listening(_logger, "UDP", _listener.LocalEndPoint.ToString(), _port.StreamId);
    }

    private async ValueTask OnDatagramAsync(ReadOnlyMemory<byte> datagram, SocketAddress remote, CancellationToken cancellationToken)
    {
        if (_stopped.IsCancellationRequested || datagram.IsEmpty)
        {
            return;
        }

        lock (_lock)
        {
            if (_session is { } live)
            {
                if (live.Sender.Equals(remote))
                {
                    live.Feed(datagram.Span);
                }
                else if (!live.OtherSenderLogged)
                {
                    live.OtherSenderLogged = true;
                    Log.OtherSender(_logger, _port.StreamId, Show(remote), live.SenderText);
                }

                return;
            }
        }

        var bytes = datagram.Span;
        if (bytes[0] != TsPacketHeader.SyncByte || (bytes.Length > TsPacketHeader.PacketSize && bytes[TsPacketHeader.PacketSize] != TsPacketHeader.SyncByte))
        {
            if (!_refusalLogged)
            {
                _refusalLogged = true;
                Log.NotTs(_logger, "UDP", Show(remote), _port.Port, datagram.Span[0]);
            }

            return;
        }

        if (Environment.TickCount64 < Volatile.Read(ref _deniedUntil))
        {
            return;
        }

        var sender = Copy(remote);
        var endPoint = new IPEndPoint(IPAddress.Any, 0).Create(sender);
        string senderText = endPoint.ToString() ?? "-";
        IPublisher publisher;
        try
        {
            publisher = await _context.Hub.PublishAsync(new PublishRequest { StreamId = _port.StreamId, Protocol = MpegTsPlugin.Protocol, RemoteEndPoint = endPoint }, cancellationToken).ConfigureAwait(false);
        }
        catch (StreamDeniedException ex)
        {
            // Asked again at most once a second; logged once until a publish is granted.
            Volatile.Write(ref _deniedUntil, Environment.TickCount64 + (long)RetryAfterDenial.TotalMilliseconds);
            if (!_denialLogged)
            {
                _denialLogged = true;
                Log.Denied(_logger, "UDP", senderText, _port.StreamId, ex.Reason.ToString(), ex.Message);
            }

            return;
        }

        var session = new Session(publisher, sender, senderText, _logger);
        bool stopped;
        lock (_lock)
        {
            // Stopped while the hub was asked: DisposeAsync has already taken the session slot, so this one ends here.
            stopped = _stopped.IsCancellationRequested;
            if (!stopped)
            {
                _session = session;
                _refusalLogged = false;
                _denialLogged = false;
                session.Feed(datagram.Span);
            }
        }

        if (stopped)
        {
            await session.EndAsync("the plugin stopped").ConfigureAwait(false);
            return;
        }

        Log.Publishing(_logger, "UDP", senderText, _port.StreamId);
    }

    // Ends the stream after silence or when the host closed the publish; checks a few times per timeout.
    private async Task WatchAsync()
    {
        var period = TimeSpan.FromMilliseconds(Math.Clamp(_options.ReceiveTimeout.TotalMilliseconds / 4, 25, 1000));
        try
        {
            while (!_stopped.IsCancellationRequested)
            {
                await Task.Delay(period, _stopped.Token).ConfigureAwait(false);
                Session? ended = null;
                string reason = "";
                lock (_lock)
                {
                    if (_session is { } session)
                    {
                        if (session.Publisher.Closed.IsCancellationRequested)
                        {
                            (ended, reason) = (session, "the server ended the publish");
                        }
                        else if (Environment.TickCount64 - session.LastReceived > (long)_options.ReceiveTimeout.TotalMilliseconds)
                        {
                            (ended, reason) = (session, $"nothing received for {_options.ReceiveTimeout.TotalSeconds:0.###} s");
                        }

                        if (ended is not null)
                        {
                            _session = null;
                        }
                    }
                }

                if (ended is not null)
                {
                    await ended.EndAsync(reason).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Stops receiving and ends the live stream: a newer version taking the port over cannot keep this one's session.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_stopped.IsCancellationRequested)
        {
            return;
        }

        _stopped.Cancel();
        if (_listener is { } listener)
        {
            await listener.DisposeAsync().ConfigureAwait(false);
        }

        await _watchdog.ConfigureAwait(false);
        Session? session;
        lock (_lock)
        {
            session = _session;
            _session = null;
        }

        if (session is not null)
        {
            await session.EndAsync("the plugin stopped").ConfigureAwait(false);
        }

        _stopped.Dispose();
    }

    private static SocketAddress Copy(SocketAddress address)
    {
        var copy = new SocketAddress(address.Family, address.Size);
        address.Buffer.Span.CopyTo(copy.Buffer.Span);
        return copy;
    }

    private static string Show(SocketAddress address) => new IPEndPoint(IPAddress.Any, 0).Create(address).ToString() ?? "?";

    /// <summary>One publish of the port's stream, from one sender.</summary>
    private sealed class Session
    {
        private readonly TsIngest _ingest;
        private readonly ILogger _logger;

        public Session(IPublisher publisher, SocketAddress sender, string senderText, ILogger logger)
        {
            Publisher = publisher;
            Sender = sender;
            SenderText = senderText;
            _logger = logger;
            _ingest = new TsIngest(publisher, logger);
            LastReceived = Environment.TickCount64;
        }

        public IPublisher Publisher { get; }

        public SocketAddress Sender { get; }

        public string SenderText { get; }

        public long LastReceived { get; private set; }

        public bool OtherSenderLogged { get; set; }

        public void Feed(ReadOnlySpan<byte> datagram)
        {
            LastReceived = Environment.TickCount64;
            _ingest.Feed(datagram);
        }

        public async Task EndAsync(string reason)
        {
            _ingest.Flush();
            _ingest.Dispose();
            Log.Ended(_logger, Publisher.StreamId, reason, _ingest.Demuxer.Packets);
            await Publisher.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Information, Message = "MPEG-TS listening on {Transport} {EndPoint} for stream {StreamId}")]
        public static partial void Listening(ILogger logger, string transport, string endPoint, string streamId);

        [LoggerMessage(Level = LogLevel.Information, Message = "MPEG-TS {Transport} from {Remote}: publishing {StreamId}")]
        public static partial void Publishing(ILogger logger, string transport, string remote, string streamId);

        [LoggerMessage(Level = LogLevel.Warning, Message = "MPEG-TS {Transport} from {Remote} refused: not MPEG-TS (first byte 0x{FirstByte:X2}, expected the 0x47 sync byte) on port {Port}")]
        public static partial void NotTs(ILogger logger, string transport, string remote, int port, byte firstByte);

        [LoggerMessage(Level = LogLevel.Warning, Message = "MPEG-TS {Transport} from {Remote}: publish of {StreamId} refused ({Reason}: {Message})")]
        public static partial void Denied(ILogger logger, string transport, string remote, string streamId, string reason, string message);

        [LoggerMessage(Level = LogLevel.Warning, Message = "MPEG-TS stream {StreamId}: datagrams from {Other} dropped, the stream is {Sender}'s")]
        public static partial void OtherSender(ILogger logger, string streamId, string other, string sender);

        [LoggerMessage(Level = LogLevel.Information, Message = "MPEG-TS stream {StreamId} ended: {Reason} ({Packets} TS packets)")]
        public static partial void Ended(ILogger logger, string streamId, string reason, long packets);
    }
}
