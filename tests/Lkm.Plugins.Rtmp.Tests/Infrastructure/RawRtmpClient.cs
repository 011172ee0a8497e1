using System.Buffers;
using System.Net;
using System.Net.Sockets;
using Lkm.Plugins.Rtmp.Protocol;
using Lkm.Sdk.Amf;

namespace Lkm.Plugins.Rtmp.Tests.Infrastructure;

/// <summary>A minimal RTMP client for driving the server message by message.</summary>
internal sealed class RawRtmpClient : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly RtmpChunkReader _reader = new(16 * 1024 * 1024 - 1, 1000);
    private readonly List<byte> _pending = [];
    private readonly byte[] _receive = new byte[64 * 1024];

    private RawRtmpClient(Socket socket)
    {
        _socket = socket;
    }

    public TestChunkEncoder Encoder { get; } = new();

    public EndPoint LocalEndPoint => _socket.LocalEndPoint!;

    public static async Task<RawRtmpClient> ConnectAsync(IPEndPoint endPoint)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(endPoint);
        return new RawRtmpClient(socket);
    }

    /// <summary>Plain handshake; returns S0+S1+S2.</summary>
    public async Task<byte[]> HandshakeAsync()
    {
        var c0c1 = new byte[1537];
        new Random(1).NextBytes(c0c1);
        c0c1[0] = 3;
        c0c1.AsSpan(1, 8).Clear();
        await SendRawAsync(c0c1);
        var response = await ReceiveExactlyAsync(3073);
        await SendRawAsync(response.AsMemory(1, 1536));
        return response;
    }

    public Task SendRawAsync(ReadOnlyMemory<byte> bytes) => _socket.SendAsync(bytes).AsTask();

    public Task SendMessageAsync(int csid, RtmpMessageType type, uint timestamp, int streamId, byte[] payload) =>
        SendRawAsync(Encoder.EncodeMessage(csid, type, timestamp, streamId, payload));

    public Task SendCommandAsync(int streamId, params object?[] values) =>
        SendMessageAsync(3, RtmpMessageType.CommandAmf0, 0, streamId, Amf0.Encode(values));

    public async Task ConnectAppAsync(string app, string? tcUrl = null)
    {
        await HandshakeAsync();
        var command = new Amf0Object { { "app", app }, { "tcUrl", tcUrl ?? $"rtmp://127.0.0.1/{app}" }, { "objectEncoding", 0.0 } };
        await SendCommandAsync(0, "connect", 1.0, command);
        await ReadUntilAsync(m => IsCommand(m, "_result"));
    }

    /// <summary>Reads messages until <paramref name="stop"/> matches one (included in the result).</summary>
    public async Task<List<ReadMessage>> ReadUntilAsync(Func<ReadMessage, bool> stop, int timeoutMs = 5000)
    {
        using var cts = new CancellationTokenSource(timeoutMs);
        var messages = new List<ReadMessage>();
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
    public async Task<ReadMessage?> ReadMessageAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var buffer = new ReadOnlySequence<byte>(_pending.ToArray());
            long before = buffer.Length;
            bool got = _reader.TryReadMessage(ref buffer, out var message);
            ReadMessage? result = got ? new ReadMessage(message.ChunkStreamId, message.Type, message.Timestamp, message.StreamId, message.Payload.ToArray()) : null;
            _pending.RemoveRange(0, (int)(before - buffer.Length));
            if (result is not null)
            {
                return result;
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

            _pending.AddRange(_receive.AsSpan(0, read));
        }
    }

    /// <summary>True when the server closes the connection within the timeout (anything it still sends is skipped).</summary>
    public async Task<bool> WaitClosedAsync(int timeoutMs = 5000)
    {
        using var cts = new CancellationTokenSource(timeoutMs);
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
        catch (SocketException)
        {
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

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

    public static bool IsCommand(ReadMessage message, string name) =>
        message.Type == RtmpMessageType.CommandAmf0 && Amf0.DecodeAll(message.Payload) is [string n, ..] && n == name;

    public static List<object?> Values(ReadMessage message) => Amf0.DecodeAll(message.Payload);

    /// <summary>The code of an onStatus command, or null.</summary>
    public static string? StatusCode(ReadMessage message) =>
        IsCommand(message, "onStatus") && Values(message) is [_, _, _, Amf0Object info, ..] ? info["code"] as string : null;

    public static string Describe(ReadMessage message) => message.Type switch
    {
        RtmpMessageType.CommandAmf0 or RtmpMessageType.DataAmf0 => $"{message.Type}:{Values(message)[0]}{(StatusCode(message) is { } code ? "/" + code : string.Empty)}",
        _ => message.Type.ToString(),
    };

    public ValueTask DisposeAsync()
    {
        _socket.Dispose();
        _reader.Dispose();
        return ValueTask.CompletedTask;
    }
}
