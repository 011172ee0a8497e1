using System.Net;
using System.Net.Sockets;
using Lkm.DeviceSim.Media;
using Lkm.Sdk.Rtp;

namespace Lkm.DeviceSim.Gb;

/// <summary>
/// One simulated GB28181 device's media plane: its PS packs cut into RTP packets (its SSRC and payload type, the
/// marker on each frame's last packet) and sent over UDP, TCP (it connects) or TCP listen (it is dialled), RFC 4571
/// framed on TCP, with drop and reorder impairments. Run alone with <see cref="RunAsync"/>, or as one of many
/// devices sharing one decode and mux in a <see cref="GbDeviceGroup"/>. Per packet nothing is allocated: the
/// packetizer writes into one scratch buffer and TCP frames gather in one buffer per device.
/// </summary>
public sealed class GbDevice : IAsyncDisposable
{
    private readonly MediaFeed? _feed;
    private readonly PlaybackOptions _playback;
    private readonly TextWriter _log;
    private readonly RtpPacketizer _packetizer;
    private readonly RtpPacketSender _onPacket;
    private readonly byte[] _scratch;
    private readonly byte[] _held;
    private readonly Random? _random;
    private readonly TaskCompletionSource<IPEndPoint> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Socket? _listener;
    private Socket? _socket;
    private byte[] _tcpBuffer = [];
    private int _tcpLength;
    private int _heldLength;
    private long _packetsSent;
    private long _bytesSent;
    private long _packetsDropped;
    private long _framesSent;
    private long _sendErrors;

    /// <summary>
    /// A device sending as <paramref name="options"/> say. To run it alone (<see cref="RunAsync"/>) give it a
    /// <paramref name="feed"/>; a <see cref="GbDeviceGroup"/> makes its devices without one.
    /// </summary>
    public GbDevice(GbDeviceOptions options, MediaFeed? feed = null, PlaybackOptions? playback = null, TextWriter? log = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        _feed = feed;
        _playback = playback ?? new PlaybackOptions();
        _log = log ?? TextWriter.Null;
        _packetizer = new RtpPacketizer(options.PayloadType, options.Ssrc, options.FirstSequence, options.MaxPayload);
        _onPacket = OnPacket;
        _scratch = new byte[RtpHeader.FixedLength + options.MaxPayload];
        _held = options.ReorderPercent > 0 ? new byte[_scratch.Length] : [];
        _random = options.DropPercent > 0 || options.ReorderPercent > 0 ? (options.Seed is int seed ? new Random(seed) : new Random()) : null;
    }

    /// <summary>The options the device was made with.</summary>
    public GbDeviceOptions Options { get; }

    /// <summary>Completes with the bound address once a <see cref="GbTransport.TcpListen"/> device listens (fails if it cannot).</summary>
    public Task<IPEndPoint> Listening => _listening.Task;

    /// <summary>The port a <see cref="GbTransport.TcpListen"/> device listens on, once bound; else null.</summary>
    public int? ListenPort => _listening.Task.IsCompletedSuccessfully ? _listening.Task.Result.Port : null;

    /// <summary>The next RTP sequence number.</summary>
    public ushort NextSequence => _packetizer.NextSequence;

    /// <summary>RTP packets sent.</summary>
    public long PacketsSent => Interlocked.Read(ref _packetsSent);

    /// <summary>RTP bytes sent (headers included, RFC 4571 prefixes not).</summary>
    public long BytesSent => Interlocked.Read(ref _bytesSent);

    /// <summary>RTP packets dropped on purpose (<see cref="GbDeviceOptions.DropPercent"/>).</summary>
    public long PacketsDropped => Interlocked.Read(ref _packetsDropped);

    /// <summary>PS packs (frames) sent.</summary>
    public long FramesSent => Interlocked.Read(ref _framesSent);

    /// <summary>UDP sends the network refused (e.g. nothing listening at the target yet: ICMP port unreachable).</summary>
    public long SendErrors => Interlocked.Read(ref _sendErrors);

    /// <summary>Plays the feed given to the constructor to this one device; ends at the end of the media, the duration, or cancellation.</summary>
    public Task RunAsync(CancellationToken cancellationToken)
    {
        if (_feed is null)
        {
            throw new InvalidOperationException("this device has no feed of its own (it belongs to a GbDeviceGroup)");
        }

        return GbDeviceGroup.PlayAsync(_feed, _playback, [this], _log, cancellationToken);
    }

    /// <summary>Creates the socket: binds UDP, or binds and listens for TCP listen (then <see cref="Listening"/> completes).</summary>
    internal void Bind()
    {
        try
        {
            switch (Options.Transport)
            {
                case GbTransport.Udp:
                    var target = Options.Target!;
                    _socket = new Socket(target.AddressFamily, SocketType.Dgram, ProtocolType.Udp) { SendBufferSize = 1024 * 1024 };
                    _socket.Bind(new IPEndPoint(target.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, Options.LocalPort ?? 0));
                    _socket.Connect(target);
                    break;
                case GbTransport.TcpListen:
                    var listen = Options.Listen!;
                    _listener = new Socket(listen.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
                    _listener.Bind(listen);
                    _listener.Listen(1);
                    var bound = (IPEndPoint)_listener.LocalEndPoint!;
                    _log.WriteLine($"ssrc {Options.Ssrc}: listening on {bound}");
                    _listening.TrySetResult(bound);
                    break;
            }
        }
        catch (Exception ex)
        {
            _listening.TrySetException(ex);
            throw;
        }
    }

    /// <summary>Connects (TCP) or waits for the server to dial in (TCP listen); nothing to do for UDP.</summary>
    internal async Task OpenAsync(CancellationToken cancellationToken)
    {
        switch (Options.Transport)
        {
            case GbTransport.Tcp:
                _socket = new Socket(Options.Target!.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    await _socket.ConnectAsync(Options.Target, cancellationToken).ConfigureAwait(false);
                }
                catch (SocketException ex)
                {
                    throw new IOException($"ssrc {Options.Ssrc}: cannot connect to {Options.Target}: {ex.Message}", ex);
                }

                _log.WriteLine($"ssrc {Options.Ssrc}: connected to {Options.Target} from {_socket.LocalEndPoint}");
                break;
            case GbTransport.TcpListen:
                _socket = await _listener!.AcceptAsync(cancellationToken).ConfigureAwait(false);
                _socket.NoDelay = true;
                _listener.Dispose();
                _listener = null;
                _log.WriteLine($"ssrc {Options.Ssrc}: accepted a connection from {_socket.RemoteEndPoint}");
                break;
            default:
                _log.WriteLine($"ssrc {Options.Ssrc}: sending UDP from {_socket!.LocalEndPoint} to {Options.Target}");
                break;
        }
    }

    /// <summary>Sends one pack as RTP packets; on TCP the framed packets go in one write.</summary>
    internal ValueTask SendAsync(PsPack pack, CancellationToken cancellationToken)
    {
        _packetizer.Packetize(pack.Data, unchecked((uint)pack.Dts90), _scratch, _onPacket);
        Interlocked.Increment(ref _framesSent);
        return FlushAsync(cancellationToken);
    }

    /// <summary>Sends a packet still held back for reordering (at the end of the media).</summary>
    internal ValueTask FinishAsync(CancellationToken cancellationToken)
    {
        if (_heldLength > 0)
        {
            Emit(_held.AsSpan(0, _heldLength));
            _heldLength = 0;
        }

        return FlushAsync(cancellationToken);
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync()
    {
        _listener?.Dispose();
        _socket?.Dispose();
        _listening.TrySetCanceled();
        return default;
    }

    private ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        if (_tcpLength == 0)
        {
            return default;
        }

        int length = _tcpLength;
        _tcpLength = 0;
        return SendAllAsync(length, cancellationToken);
    }

    private async ValueTask SendAllAsync(int length, CancellationToken cancellationToken)
    {
        int sent = 0;
        while (sent < length)
        {
            sent += await _socket!.SendAsync(_tcpBuffer.AsMemory(sent, length - sent), SocketFlags.None, cancellationToken).ConfigureAwait(false);
        }
    }

    private void OnPacket(ReadOnlySpan<byte> packet)
    {
        if (_random is not null && Options.DropPercent > 0 && _random.NextDouble() * 100 < Options.DropPercent)
        {
            Interlocked.Increment(ref _packetsDropped);
            return;
        }

        if (_heldLength > 0)
        {
            Emit(packet);
            Emit(_held.AsSpan(0, _heldLength));
            _heldLength = 0;
            return;
        }

        if (_random is not null && Options.ReorderPercent > 0 && _random.NextDouble() * 100 < Options.ReorderPercent)
        {
            packet.CopyTo(_held);
            _heldLength = packet.Length;
            return;
        }

        Emit(packet);
    }

    private void Emit(ReadOnlySpan<byte> packet)
    {
        if (Options.Transport == GbTransport.Udp)
        {
            try
            {
                _socket!.Send(packet);
            }
            catch (SocketException ex) when (ex.SocketErrorCode is SocketError.ConnectionRefused or SocketError.HostUnreachable or SocketError.NetworkUnreachable)
            {
                if (Interlocked.Increment(ref _sendErrors) == 1)
                {
                    _log.WriteLine($"ssrc {Options.Ssrc}: UDP send to {Options.Target} failed ({ex.SocketErrorCode}); going on");
                }

                return;
            }
        }
        else
        {
            int need = _tcpLength + Rfc4571Framing.PrefixLength + packet.Length;
            if (need > _tcpBuffer.Length)
            {
                Array.Resize(ref _tcpBuffer, Math.Max(need, Math.Max(_tcpBuffer.Length * 2, 64 * 1024)));
            }

            _tcpLength += Rfc4571Framing.WritePrefix(_tcpBuffer.AsSpan(_tcpLength), packet.Length);
            packet.CopyTo(_tcpBuffer.AsSpan(_tcpLength));
            _tcpLength += packet.Length;
        }

        Interlocked.Increment(ref _packetsSent);
        Interlocked.Add(ref _bytesSent, packet.Length);
    }
}
