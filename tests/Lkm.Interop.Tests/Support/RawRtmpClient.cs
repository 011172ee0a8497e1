using System.Net.Sockets;

namespace Lkm.Interop.Tests.Support;

/// <summary>A bare RTMP client for hostile-input tests: plain handshake, then whatever bytes the test writes.</summary>
public sealed class RawRtmpClient : IAsyncDisposable
{
    private readonly TcpClient _client = new();
    private NetworkStream? _stream;

    // Kept from the connect: after the server resets the connection TcpClient.GetStream() throws.
    public NetworkStream Stream => _stream ?? throw new InvalidOperationException("not connected");

    public static async Task<RawRtmpClient> ConnectAsync(int port)
    {
        var c = new RawRtmpClient();
        await c._client.ConnectAsync("127.0.0.1", port);
        c._stream = c._client.GetStream();
        return c;
    }

    public async Task HandshakeAsync()
    {
        var c0c1 = new byte[1537];
        c0c1[0] = 3;
        Random.Shared.NextBytes(c0c1.AsSpan(9));
        await Stream.WriteAsync(c0c1);
        var s = new byte[3073];
        await Stream.ReadExactlyAsync(s).AsTask().WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(3, s[0]);
        await Stream.WriteAsync(s.AsMemory(1, 1536));
    }

    /// <summary>Sends an AMF0 command message (fmt 0 then fmt 3 chunks of 128 bytes) on chunk stream 3.</summary>
    public async Task SendCommandAsync(uint streamId, params object?[] values)
    {
        var body = new System.Buffers.ArrayBufferWriter<byte>();
        foreach (var v in values)
        {
            Lkm.Sdk.Amf.Amf0.Write(body, v);
        }

        var payload = body.WrittenSpan.ToArray();
        var bytes = new List<byte>(Fmt0Header(3, 0, payload.Length, 20, streamId));
        for (int i = 0; i < payload.Length; i += 128)
        {
            if (i > 0)
            {
                bytes.Add(0xC3);
            }

            bytes.AddRange(payload.Skip(i).Take(128));
        }

        await Stream.WriteAsync(bytes.ToArray());
    }

    /// <summary>connect + createStream + publish of <c>app/name</c>, the way an encoder starts (replies are not awaited).</summary>
    public async Task PublishAsync(string app, string name)
    {
        await SendCommandAsync(0, "connect", 1.0, new Lkm.Sdk.Amf.Amf0Object { { "app", app }, { "tcUrl", $"rtmp://127.0.0.1/{app}" } });
        await SendCommandAsync(0, "createStream", 2.0, null);
        await SendCommandAsync(1, "publish", 3.0, null, name, "live");
    }

    /// <summary>A type-0 chunk header for csid 2..63 (one-byte basic header).</summary>
    public static byte[] Fmt0Header(int csid, uint timestamp, int length, byte type, uint streamId)
    {
        return
        [
            (byte)csid,
            (byte)(timestamp >> 16), (byte)(timestamp >> 8), (byte)timestamp,
            (byte)(length >> 16), (byte)(length >> 8), (byte)length,
            type,
            (byte)streamId, (byte)(streamId >> 8), (byte)(streamId >> 16), (byte)(streamId >> 24),
        ];
    }

    /// <summary>True when the server closed the connection (EOF or reset) within <paramref name="timeout"/>, draining whatever it sent first.</summary>
    public async Task<bool> WaitClosedAsync(TimeSpan timeout)
    {
        var buffer = new byte[64 * 1024];
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            while (true)
            {
                int n = await Stream.ReadAsync(buffer, cts.Token);
                if (n == 0)
                {
                    return true;
                }
            }
        }
        catch (OperationCanceledException)
        {
            return false;
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or InvalidOperationException)
        {
            return true;
        }
    }

    public ValueTask DisposeAsync()
    {
        _client.Dispose();
        return ValueTask.CompletedTask;
    }
}
