using System.Net;
using Lkm.Plugins.Gb28181.Forwarding;
using Lkm.Sdk.Buffers;
using Lkm.Sdk.MpegPs;
using Lkm.Sdk.Plugins;
using Lkm.Sdk.Rtp;
using Lkm.Sdk.Streaming;
using Microsoft.Extensions.Logging;

namespace Lkm.Plugins.Gb28181.Sources;

/// <summary>
/// One GB28181 source, from <c>source/create</c> to its close: the stream is reserved in the hub at creation (so it is
/// listed, players may wait and a second create is refused); the first RTP packet asks <c>on_publish</c>, with the
/// device's address, and packets arriving meanwhile are held (bounded) and replayed once it allows. Packets come from
/// one receive loop at a time (its UDP port, the shared port's loop, or its TCP connection); the lock only keeps them
/// apart from the close, and from the replay after authorization.
/// </summary>
internal sealed partial class GbSource
{
    /// <summary>Packets held while on_publish runs; more are dropped (the next key frame starts the stream anyway).</summary>
    private const int MaxHeldPackets = 1024;

    private readonly Lock _gate = new();
    private readonly IPublisher _publisher;
    private readonly Gb28181Options _options;
    private readonly ILogger _logger;
    private readonly Action<GbSource> _onClosed;
    private readonly List<PooledBuffer> _held = [];
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _closing = new();
    private int _connections;
    private int _dialled;
    private PsIngest? _ingest;
    private RtpPsReceiver? _receiver;
    private State _state;
    private uint _lockedSsrc;
    private bool _otherSsrcLogged;
    private bool _badPacketLogged;
    private IAsyncDisposable? _transport;
    private ForwardTarget[] _forwards = [];

    public GbSource(string id, uint ssrc, GbSetup setup, IPublisher publisher, Gb28181Options options, ILogger logger, Action<GbSource> onClosed)
    {
        Id = id;
        Ssrc = ssrc;
        Setup = setup;
        _publisher = publisher;
        _options = options;
        _logger = logger;
        _onClosed = onClosed;
        CreatedAt = DateTime.UtcNow;

        // Closed by the host (API source/close, receive or idle timeout, shutdown): the callback may run inside the
        // hub's lock, so the close itself runs elsewhere.
        publisher.Closed.UnsafeRegister(static state => _ = ((GbSource)state!).CloseAsync("the server ended the stream"), this);
    }

    private enum State
    {
        Waiting,
        Authorizing,
        Live,
        Closed,
    }

    public string Id { get; }

    /// <summary>The SSRC given at creation (0: any); in single-port mode the key packets are routed by.</summary>
    public uint Ssrc { get; }

    public GbSetup Setup { get; }

    public DateTime CreatedAt { get; }

    /// <summary>The port the device sends to (or, TCP active, the port we dial from).</summary>
    public int Port { get; set; }

    /// <summary>The port rented for this source (multi-port mode), given back at close.</summary>
    public PortLease? Lease { get; set; }

    /// <summary>Who sends (known from the first packet).</summary>
    public EndPoint? Remote { get; private set; }

    public bool IsClosed => _state == State.Closed;

    public string StateName => _state.ToString().ToLowerInvariant();

    /// <summary>Cancelled when the source starts closing (ends its TCP connection's read).</summary>
    public CancellationToken Closing => _closing.Token;

    /// <summary>Claims the source for a TCP connection: false when another connection has it (a source has one).</summary>
    public bool TryAttachConnection() => Interlocked.Exchange(ref _connections, 1) == 0;

    /// <summary>Claims the source for one <c>source/connect</c> (TCP active); <see cref="ReleaseDial"/> after a failed dial.</summary>
    public bool TryClaimDial() => Interlocked.Exchange(ref _dialled, 1) == 0;

    public void ReleaseDial() => Volatile.Write(ref _dialled, 0);

    /// <summary>Completes when the source is closed and its port given back.</summary>
    public Task Completion => _closed.Task;

    public long Packets { get; private set; }

    public long Bytes { get; private set; }

    /// <summary>Packets dropped before the demuxer: not RTP, another SSRC, or over the hold bound during on_publish.</summary>
    public long Dropped { get; private set; }

    public RtpPsReceiver? Receiver => _receiver;

    public PsIngest? Ingest => _ingest;

    public IReadOnlyList<ForwardTarget> Forwards => Volatile.Read(ref _forwards);

    /// <summary>What carries the packets (UDP port, TCP listener, connection): disposed at close.</summary>
    public void SetTransport(IAsyncDisposable transport)
    {
        bool closed;
        lock (_gate)
        {
            closed = _state == State.Closed;
            if (!closed)
            {
                _transport = transport;
            }
        }

        if (closed)
        {
            _ = transport.DisposeAsync().AsTask();
        }
    }

    /// <summary>
    /// One RTP packet from the device (<paramref name="packet"/> is valid only during the call): over UDP with its
    /// <paramref name="udpSender"/> (read only at the first packet, the buffer is reused), over TCP with the connection's
    /// <paramref name="tcpSender"/>. UDP packets go through the reorder window, TCP ones come in order.
    /// </summary>
    public void OnPacket(ReadOnlySpan<byte> packet, SocketAddress? udpSender, EndPoint? tcpSender)
    {
        lock (_gate)
        {
            if (_state == State.Closed)
            {
                return;
            }

            if (!RtpHeader.TryParse(packet, out var header, out int payloadOffset, out int payloadLength, out var error))
            {
                Dropped++;
                if (!_badPacketLogged)
                {
                    _badPacketLogged = true;
                    Log.NotRtp(_logger, Id, error.ToString(), packet.Length);
                }

                return;
            }

            if (_state == State.Waiting)
            {
                _lockedSsrc = header.Ssrc;
                Remote = tcpSender ?? (udpSender is null ? null : new IPEndPoint(IPAddress.Any, 0).Create(udpSender));
                _state = State.Authorizing;
                if (Ssrc != 0 && header.Ssrc != Ssrc)
                {
                    Log.SsrcDiffers(_logger, Id, header.Ssrc, Ssrc);
                }

                _ = AuthorizeAsync(reordered: tcpSender is null);
            }
            else if (header.Ssrc != _lockedSsrc && Ssrc != 0 && header.Ssrc == Ssrc)
            {
                // The first "packet" was a stray that parsed as RTP: the SSRC the source was created with wins.
                Log.SsrcRelocked(_logger, Id, _lockedSsrc, Ssrc);
                _lockedSsrc = Ssrc;
            }
            else if (header.Ssrc != _lockedSsrc)
            {
                Dropped++;
                if (!_otherSsrcLogged)
                {
                    _otherSsrcLogged = true;
                    Log.OtherSsrc(_logger, Id, header.Ssrc, _lockedSsrc);
                }

                return;
            }

            Packets++;
            Bytes += packet.Length;
            if (_state == State.Authorizing)
            {
                if (_held.Count < MaxHeldPackets)
                {
                    _held.Add(PooledBuffer.CopyOf(packet));
                }
                else
                {
                    Dropped++;
                }

                return;
            }

            Deliver(packet, header, payloadOffset, payloadLength);
        }
    }

    /// <summary>Adds a cascade target: every packet from now on is also sent to it, with its SSRC.</summary>
    public bool AddForward(ForwardTarget target)
    {
        lock (_gate)
        {
            if (_state == State.Closed)
            {
                return false;
            }

            _forwards = [.. _forwards, target];
            return true;
        }
    }

    public void RemoveForward(ForwardTarget target)
    {
        lock (_gate)
        {
            _forwards = [.. _forwards.Where(f => !ReferenceEquals(f, target))];
        }
    }

    /// <summary>Ends the source: transport closed, port given back, the stream ended in the hub (idempotent).</summary>
    public async Task CloseAsync(string reason)
    {
        IAsyncDisposable? transport;
        ForwardTarget[] forwards;
        lock (_gate)
        {
            if (_state == State.Closed)
            {
                return;
            }

            _state = State.Closed;
            transport = _transport;
            _transport = null;
            forwards = _forwards;
            _forwards = [];
        }

        _closing.Cancel();

        try
        {
            if (transport is not null)
            {
                await transport.DisposeAsync().ConfigureAwait(false);
            }
        }
        catch (Exception ex)
        {
            Log.TransportCloseFailed(_logger, Id, ex);
        }

        lock (_gate)
        {
            // No packet can be inside Deliver now (it runs under the lock and sees Closed).
            ReleaseHeld();
            _receiver?.Dispose();
            _ingest?.Dispose();
        }

        foreach (var forward in forwards)
        {
            forward.Close("its source ended");
        }

        Lease?.Dispose();
        _onClosed(this);
        Log.Closed(_logger, Id, reason, Packets, Bytes, _receiver?.Gaps ?? 0, _ingest?.Demuxer.DroppedFrames ?? 0);
        await _publisher.DisposeAsync().ConfigureAwait(false);
        _closed.TrySetResult();
    }

    private async Task AuthorizeAsync(bool reordered)
    {
        try
        {
            await _publisher.AuthorizeAsync(Remote, CancellationToken.None).ConfigureAwait(false);
        }
        catch (StreamDeniedException ex)
        {
            Log.Denied(_logger, Id, Remote?.ToString() ?? "-", ex.Reason.ToString(), ex.Message);
            await CloseAsync($"publish refused ({ex.Message})").ConfigureAwait(false);
            return;
        }
        catch (Exception ex)
        {
            Log.AuthorizeFailed(_logger, Id, ex);
            await CloseAsync("on_publish failed").ConfigureAwait(false);
            return;
        }

        lock (_gate)
        {
            if (_state != State.Authorizing)
            {
                return;
            }

            _ingest = new PsIngest(_publisher, _logger, (int)_options.ProbeWindow.TotalMilliseconds, _options.MaxFrameSize);
            _receiver = new RtpPsReceiver(_ingest, reordered ? _options.ReorderWindow : 0, (int)_options.ReorderDelay.TotalMilliseconds);
            _state = State.Live;
            foreach (var held in _held)
            {
                var span = held.Span;
                if (RtpHeader.TryParse(span, out var header, out int offset, out int length))
                {
                    Deliver(span, header, offset, length);
                }
            }

            ReleaseHeld();
        }

        Log.Publishing(_logger, Id, Setup.ToString().ToLowerInvariant(), Remote?.ToString() ?? "-", _lockedSsrc);
    }

    private void Deliver(ReadOnlySpan<byte> packet, in RtpHeader header, int payloadOffset, int payloadLength)
    {
        foreach (var forward in _forwards)
        {
            forward.Send(packet);
        }

        _publisher.AddBytesReceived(packet.Length);
        _receiver!.OnPacket(packet, header, payloadOffset, payloadLength, Environment.TickCount64);
    }

    private void ReleaseHeld()
    {
        foreach (var held in _held)
        {
            held.Release();
        }

        _held.Clear();
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "GB28181 stream {StreamId}: publishing over {Setup} from {Remote}, SSRC {Ssrc}")]
        public static partial void Publishing(ILogger logger, string streamId, string setup, string remote, uint ssrc);

        [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "GB28181 stream {StreamId} closed: {Reason} ({Packets} RTP packets, {Bytes} bytes, {Gaps} sequence gaps, {DroppedFrames} broken frames dropped)")]
        public static partial void Closed(ILogger logger, string streamId, string reason, long packets, long bytes, long gaps, long droppedFrames);

        [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "GB28181 stream {StreamId}: publish from {Remote} refused ({Reason}: {Message})")]
        public static partial void Denied(ILogger logger, string streamId, string remote, string reason, string message);

        [LoggerMessage(EventId = 4, Level = LogLevel.Error, Message = "GB28181 stream {StreamId}: on_publish failed")]
        public static partial void AuthorizeFailed(ILogger logger, string streamId, Exception exception);

        [LoggerMessage(EventId = 5, Level = LogLevel.Warning, Message = "GB28181 stream {StreamId}: a datagram that is not RTP ({Error}, {Length} bytes) dropped; later ones are counted, not logged")]
        public static partial void NotRtp(ILogger logger, string streamId, string error, int length);

        [LoggerMessage(EventId = 6, Level = LogLevel.Warning, Message = "GB28181 stream {StreamId}: packets of SSRC {Other} dropped, the stream is SSRC {Ssrc}'s; later ones are counted, not logged")]
        public static partial void OtherSsrc(ILogger logger, string streamId, uint other, uint ssrc);

        [LoggerMessage(EventId = 7, Level = LogLevel.Information, Message = "GB28181 stream {StreamId}: the device sends SSRC {Ssrc}, not the {Expected} it was created with; accepted")]
        public static partial void SsrcDiffers(ILogger logger, string streamId, uint ssrc, uint expected);

        [LoggerMessage(EventId = 9, Level = LogLevel.Warning, Message = "GB28181 stream {StreamId}: packets of SSRC {Ssrc}, the one it was created with, arrive after a first packet of SSRC {Stray}: following {Ssrc}")]
        public static partial void SsrcRelocked(ILogger logger, string streamId, uint stray, uint ssrc);

        [LoggerMessage(EventId = 8, Level = LogLevel.Warning, Message = "GB28181 stream {StreamId}: closing its transport failed")]
        public static partial void TransportCloseFailed(ILogger logger, string streamId, Exception exception);
    }
}
