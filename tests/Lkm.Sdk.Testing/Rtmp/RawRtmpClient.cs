using System.Net;
using System.Net.Sockets;
using Lkm.Sdk.Amf;

namespace Lkm.Sdk.Testing.Rtmp;

/// <summary>
/// A minimal RTMP client for driving a server message by message, or byte by byte for hostile-input tests:
/// plain handshake, commands and media through a compressing <see cref="RtmpChunkEncoder"/>, replies through an
/// independent <see cref="RtmpChunkDecoder"/>, and raw bytes through <see cref="SendRawAsync"/> or <see cref="Stream"/>.
/// </summary>
public sealed class RawRtmpClient : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly byte[] _receive = new byte[64 * 1024];

    private RawRtmpClient(Socket socket)
    {
        _socket = socket;
        Stream = new NetworkStream(socket, ownsSocket: false);
    }

    /// <summary>Encodes what the Send methods send; set its <see cref="RtmpChunkEncoder.ChunkSize"/> after sending Set Chunk Size.</summary>
    public RtmpChunkEncoder Encoder { get; } = new();

    /// <summary>Reassembles what the server sends.</summary>
    public RtmpChunkDecoder Decoder { get; } = new();

    /// <summary>The connected socket.</summary>
    public Socket Socket => _socket;

    /// <summary>The connection as a stream (kept from the connect: it still works for reads after a reset).</summary>
    public NetworkStream Stream { get; }

    /// <summary>The client's end of the connection.</summary>
    public EndPoint LocalEndPoint => _socket.LocalEndPoint!;

    /// <summary>Connects to <paramref name="endPoint"/> (no handshake yet).</summary>
    public static async Task<RawRtmpClient> ConnectAsync(IPEndPoint endPoint)
    {
        var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(endPoint);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        return new RawRtmpClient(socket);
    }

    /// <summary>Connects to <c>127.0.0.1:<paramref name="port"/></c> (no handshake yet).</summary>
    public static Task<RawRtmpClient> ConnectAsync(int port) => ConnectAsync(new IPEndPoint(IPAddress.Loopback, port));

    /// <summary>Plain handshake (C0+C1, then C2 echoing S1); returns S0+S1+S2. Throws when S0 is not version 3.</summary>
    public async Task<byte[]> HandshakeAsync()
    {
        var c0c1 = new byte[1537];
        new Random(1).NextBytes(c0c1);
        c0c1[0] = 3;
        c0c1.AsSpan(1, 8).Clear();
        await SendRawAsync(c0c1);
        var response = await ReceiveExactlyAsync(3073);
        if (response[0] != 3)
        {
            throw new InvalidDataException($"handshake: S0 is version {response[0]}, not 3");
        }

        await SendRawAsync(response.AsMemory(1, 1536));
        return response;
    }

    /// <summary>Sends bytes as they are.</summary>
    public async Task SendRawAsync(ReadOnlyMemory<byte> bytes) => await _socket.SendAsync(bytes);

    /// <summary>Sends one message, chunked by <see cref="Encoder"/>. <typeparamref name="TType"/>: <see cref="RtmpMessageType"/> or a plugin's own enum of type ids.</summary>
    public Task SendMessageAsync<TType>(int csid, TType type, uint timestamp, int streamId, byte[] payload)
        where TType : struct, Enum =>
        SendRawAsync(Encoder.EncodeMessage(csid, type, timestamp, streamId, payload));

    /// <summary>Sends an AMF0 command (name, transaction id, command object, arguments...) on chunk stream 3.</summary>
    public Task SendCommandAsync(int streamId, params object?[] values) =>
        SendMessageAsync(3, RtmpMessageType.CommandAmf0, 0, streamId, Amf0.Encode(values));

    /// <summary>Handshake, then <c>connect</c> to <paramref name="app"/>; returns when the server answered <c>_result</c>.</summary>
    public async Task ConnectAppAsync(string app, string? tcUrl = null)
    {
        await HandshakeAsync();
        var command = new Amf0Object { { "app", app }, { "tcUrl", tcUrl ?? $"rtmp://127.0.0.1/{app}" }, { "objectEncoding", 0.0 } };
        await SendCommandAsync(0, "connect", 1.0, command);
        await ReadUntilAsync(m => IsCommand(m, "_result"));
    }

    /// <summary>
    /// <c>connect</c> + <c>createStream</c> + <c>publish</c> of <c>app/name</c> after the handshake, the way an encoder
    /// starts, without waiting for replies (stream id 1 is assumed, as servers hand out).
    /// </summary>
    public async Task PublishAsync(string app, string name)
    {
        await SendCommandAsync(0, "connect", 1.0, new Amf0Object { { "app", app }, { "tcUrl", $"rtmp://127.0.0.1/{app}" } });
        await SendCommandAsync(0, "createStream", 2.0, null);
        await SendCommandAsync(1, "publish", 3.0, null, name, "live");
    }

    /// <summary>Reads messages until <paramref name="stop"/> matches one (included in the result); throws when the server closes first.</summary>
    public async Task<List<RtmpMessage>> ReadUntilAsync(Func<RtmpMessage, bool> stop, int timeoutMs = 5000)
    {
        using var cts = new CancellationTokenSource(timeoutMs);
        var messages = new List<RtmpMessage>();
        while (true)
        {
            var message = await ReadMessageAsync(cts.Token) ?? throw new EndOfStreamException($"closed after {messages.Count} messages: {string.Join(", ", messages.Select(Describe))}");
            messages.Add(message);
            if (stop(message))
            {
                return messages;
            }
        }
    }

    /// <summary>The next message, or null when the server closed the connection.</summary>
    public async Task<RtmpMessage?> ReadMessageAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            if (Decoder.TryRead(out var message))
            {
                return message;
            }

            int read;
            try
            {
                read = await _socket.ReceiveAsync(_receive, cancellationToken);
            }
            catch (SocketException)
            {
                return null;
            }

            if (read == 0)
            {
                return null;
            }

            Decoder.Append(_receive.AsSpan(0, read));
        }
    }

    /// <summary>True when the server closes the connection (EOF or reset) within the timeout; anything it still sends is skipped.</summary>
    public Task<bool> WaitClosedAsync(int timeoutMs = 5000) => WaitClosedAsync(TimeSpan.FromMilliseconds(timeoutMs));

    /// <summary>True when the server closes the connection (EOF or reset) within <paramref name="timeout"/>; anything it still sends is skipped.</summary>
    public async Task<bool> WaitClosedAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            while (true)
            {
                int read = await _socket.ReceiveAsync(_receive, cts.Token);
                if (read == 0)
                {
                    return true;
                }
            }
        }
        catch (OperationCanceledException)
        {
            return false;
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            return true;
        }
    }

    /// <summary>Reads exactly <paramref name="count"/> bytes (within 5 s); throws at end of stream.</summary>
    public async Task<byte[]> ReceiveExactlyAsync(int count)
    {
        var bytes = new byte[count];
        int offset = 0;
        using var cts = new CancellationTokenSource(5000);
        while (offset < count)
        {
            int read = await _socket.ReceiveAsync(bytes.AsMemory(offset), cts.Token);
            if (read == 0)
            {
                throw new EndOfStreamException();
            }

            offset += read;
        }

        return bytes;
    }

    /// <summary>A type-0 chunk header for chunk stream 2..63 (one-byte basic header), for hand-made hostile chunks.</summary>
    public static byte[] Fmt0Header(int csid, uint timestamp, int length, byte type, uint streamId) =>
    [
        (byte)csid,
        (byte)(timestamp >> 16), (byte)(timestamp >> 8), (byte)timestamp,
        (byte)(length >> 16), (byte)(length >> 8), (byte)length,
        type,
        (byte)streamId, (byte)(streamId >> 8), (byte)(streamId >> 16), (byte)(streamId >> 24),
    ];

    /// <summary>True for an AMF0 command named <paramref name="name"/>.</summary>
    public static bool IsCommand(RtmpMessage message, string name) =>
        message.Type == RtmpMessageType.CommandAmf0 && Amf0.DecodeAll(message.Payload) is [string n, ..] && n == name;

    /// <summary>The AMF0 values of a command or data message.</summary>
    public static List<object?> Values(RtmpMessage message) => Amf0.DecodeAll(message.Payload);

    /// <summary>The <c>code</c> of an <c>onStatus</c> command (e.g. <c>NetStream.Publish.Start</c>), or null.</summary>
    public static string? StatusCode(RtmpMessage message) =>
        IsCommand(message, "onStatus") && Values(message) is [_, _, _, Amf0Object info, ..] ? info["code"] as string : null;

    /// <summary>A short description (type, command name, status code) for assertion messages.</summary>
    public static string Describe(RtmpMessage message) => message.Type switch
    {
        RtmpMessageType.CommandAmf0 or RtmpMessageType.DataAmf0 => $"{message.Type}:{Values(message)[0]}{(StatusCode(message) is { } code ? "/" + code : string.Empty)}",
        _ => message.Type.ToString(),
    };

    /// <summary>Closes the connection.</summary>
    public ValueTask DisposeAsync()
    {
        Stream.Dispose();
        _socket.Dispose();
        return ValueTask.CompletedTask;
    }
}
