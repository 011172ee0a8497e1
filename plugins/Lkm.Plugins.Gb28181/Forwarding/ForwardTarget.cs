using System.Buffers;
using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using Lkm.Sdk.Buffers;
using Lkm.Sdk.Rtp;
using Lkm.Sdk.Streaming;

namespace Lkm.Plugins.Gb28181.Forwarding;

/// <summary>
/// One cascade forward: every RTP packet of a source re-sent to an upper platform with the SSRC it negotiated, over
/// UDP (sent at once, from the receive loop: a UDP send does not block) or RFC 4571 TCP (queued, bounded, written by a
/// loop of its own, so a slow platform never holds the device's receive loop up; over the bound it is cut off). It is
/// also the hub's player for this forward (<see cref="ISink"/>), so the API lists and closes it and hooks see it.
/// </summary>
internal sealed class ForwardTarget : ISink
{
    /// <summary>Bytes a TCP forward may have queued before the platform counts as too slow and is cut off.</summary>
    private const int MaxQueuedBytes = 4 * 1024 * 1024;

    private static long s_nextId;

    private readonly SocketAddress? _udpRemote;
    private readonly uint _ssrc;
    private readonly byte[]? _udpScratch;
    private readonly Channel<(byte[] Buffer, int Length)>? _queue;
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Socket? _socket;
    private long _queuedBytes;
    private long _bytesSent;
    private int _closed;

    /// <param name="streamId">The source's stream id.</param>
    /// <param name="ssrc">The SSRC the upper platform expects.</param>
    /// <param name="setup"><c>udp</c>; <c>passive</c> (we dial the platform); <c>active</c> (the platform connects to us).</param>
    /// <param name="remote">The platform's address (UDP: required).</param>
    public ForwardTarget(string streamId, uint ssrc, string setup, EndPoint? remote)
    {
        StreamId = streamId;
        _ssrc = ssrc;
        Setup = setup;
        RemoteEndPoint = remote;
        Id = $"{Protocol}-{Interlocked.Increment(ref s_nextId)}";
        if (setup == "udp")
        {
            _udpRemote = (remote ?? throw new ArgumentNullException(nameof(remote))).Serialize();
            _udpScratch = new byte[Rfc4571Framing.MaxPacketLength];
        }
        else
        {
            // Bounded by bytes (MaxQueuedBytes), not by count.
            _queue = Channel.CreateUnbounded<(byte[], int)>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        }
    }

    public string StreamId { get; }

    public string Id { get; }

    /// <summary>How hooks and the API name a cascade forward.</summary>
    public string Protocol => "28181-forward";

    public string TransProtocol => ForwardTransStreamFactory.Name;

    public EndPoint? RemoteEndPoint { get; private set; }

    public uint Ssrc => _ssrc;

    public string Setup { get; }

    /// <summary>The port the forward sends from (or, setup active, listens on).</summary>
    public int LocalPort { get; set; }

    public Task Completion => _completion.Task;

    public long BytesSent => Interlocked.Read(ref _bytesSent);

    public long Packets { get; private set; }

    public Exception? Fault => null;

    public string? CloseReason { get; private set; }

    public bool Connected => Volatile.Read(ref _socket) is not null;

    /// <summary>Gives the forward its socket: the UDP socket, or the TCP connection once made. False when it has one or is closed.</summary>
    public bool TryAttach(Socket socket)
    {
        if (Volatile.Read(ref _closed) != 0 || Interlocked.CompareExchange(ref _socket, socket, null) is not null)
        {
            return false;
        }

        if (_queue is not null)
        {
            socket.NoDelay = true;
            RemoteEndPoint ??= socket.RemoteEndPoint;
            _ = WriteLoopAsync(socket);
            _ = WatchPeerAsync(socket);
        }

        if (Volatile.Read(ref _closed) != 0)
        {
            socket.Dispose(); // closed meanwhile
        }

        return true;
    }

    /// <summary>Sends one RTP packet of the source, SSRC rewritten; called from the source's receive loop (one at a time).</summary>
    public void Send(ReadOnlySpan<byte> packet)
    {
        var socket = Volatile.Read(ref _socket);
        if (socket is null || Volatile.Read(ref _closed) != 0 || packet.Length < RtpHeader.FixedLength)
        {
            return; // TCP: the platform has not connected yet
        }

        Packets++;
        if (_queue is null)
        {
            packet.CopyTo(_udpScratch);
            var datagram = _udpScratch.AsSpan(0, packet.Length);
            RtpHeader.TryRewriteSsrc(datagram, _ssrc);
            try
            {
                socket.SendTo(datagram, SocketFlags.None, _udpRemote!);
                Interlocked.Add(ref _bytesSent, datagram.Length);
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
                // ICMP port unreachable and the like: the platform may not listen yet; UDP goes on.
            }

            return;
        }

        int length = packet.Length + Rfc4571Framing.PrefixLength;
        if (Interlocked.Read(ref _queuedBytes) + length > MaxQueuedBytes)
        {
            Close(SinkCloseCause.TooSlow, $"the upper platform reads too slowly ({MaxQueuedBytes / 1024} KiB queued)");
            return;
        }

        var buffer = ArrayPool<byte>.Shared.Rent(length);
        BinaryPrimitives.WriteUInt16BigEndian(buffer, (ushort)packet.Length);
        packet.CopyTo(buffer.AsSpan(Rfc4571Framing.PrefixLength));
        RtpHeader.TryRewriteSsrc(buffer.AsSpan(Rfc4571Framing.PrefixLength, packet.Length), _ssrc);
        Interlocked.Add(ref _queuedBytes, length);
        if (!_queue.Writer.TryWrite((buffer, length)))
        {
            Interlocked.Add(ref _queuedBytes, -length);
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>The hub gives every player the stream's segments; a forward sends the device's packets instead.</summary>
    public bool TrySend(Segment segment, SinkQueueLimits limits) => true;

    public void Close(SinkCloseCause cause, string reason)
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0)
        {
            return;
        }

        CloseReason = reason;
        _queue?.Writer.TryComplete();
        if (Volatile.Read(ref _socket) is { } socket)
        {
            try
            {
                // A FIN the platform can tell from a crash, rather than the reset a bare close with pending I/O gives.
                if (socket.SocketType == SocketType.Stream && socket.Connected)
                {
                    socket.Shutdown(SocketShutdown.Both);
                }
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
            }

            socket.Dispose();
        }

        _completion.TrySetResult();
    }

    public void Close(string reason) => Close(SinkCloseCause.Ended, reason);

    private async Task WriteLoopAsync(Socket socket)
    {
        var reader = _queue!.Reader;
        try
        {
            while (await reader.WaitToReadAsync().ConfigureAwait(false))
            {
                while (reader.TryRead(out var item))
                {
                    try
                    {
                        if (Volatile.Read(ref _closed) == 0)
                        {
                            await socket.SendAsync(item.Buffer.AsMemory(0, item.Length), SocketFlags.None).ConfigureAwait(false);
                            Interlocked.Add(ref _bytesSent, item.Length);
                        }
                    }
                    finally
                    {
                        Interlocked.Add(ref _queuedBytes, -item.Length);
                        ArrayPool<byte>.Shared.Return(item.Buffer);
                    }
                }
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            Close(SinkCloseCause.Ended, $"the upper platform's connection ended ({ex.Message})");
        }

        while (reader.TryRead(out var left))
        {
            ArrayPool<byte>.Shared.Return(left.Buffer);
        }
    }

    // A TCP platform sends nothing we need (maybe RTCP); reading tells when it leaves.
    private async Task WatchPeerAsync(Socket socket)
    {
        var buffer = new byte[1500];
        try
        {
            while (await socket.ReceiveAsync(buffer, SocketFlags.None).ConfigureAwait(false) > 0)
            {
            }

            Close(SinkCloseCause.Ended, "the upper platform closed the connection");
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            Close(SinkCloseCause.Ended, $"the upper platform's connection ended ({ex.Message})");
        }
    }
}
