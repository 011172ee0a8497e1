using System.Buffers;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Lkm.Bench.Rtmp;
using Lkm.Sdk.Amf;

namespace Lkm.Bench.Tests.Support;

/// <summary>
/// A minimal RTMP server for one client: plain handshake, answers connect / createStream / publish / play, and
/// records every message it receives (with its arrival time), parsed by the bench's own chunk parser.
/// A player gets a small window (5000 bytes), chunk size 4096, a ping request and a key frame.
/// </summary>
public sealed class FakeRtmpServer : IAsyncDisposable, IRtmpMessageHandler
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly ArrayBufferWriter<byte> _replies = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Task _serving;
    private readonly CancellationTokenSource _stop = new();

    public FakeRtmpServer()
    {
        _listener.Start();
        _serving = ServeAsync();
    }

    /// <summary>A received message: <see cref="Bytes"/> = the whole body of a control/command message, else its first bytes.</summary>
    public record Received(byte Type, uint Timestamp, int Length, byte[] Bytes, List<object?>? Values, double ArrivedMs);

    public const uint WindowAckSize = 5000;
    public const int OutChunkSize = 4096;

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public List<Received> Messages { get; } = [];

    private async Task ServeAsync()
    {
        using var client = await _listener.AcceptTcpClientAsync(_stop.Token);
        var stream = client.GetStream();
        var c0c1 = new byte[1537];
        await stream.ReadExactlyAsync(c0c1, _stop.Token);
        var s = new byte[3073];
        s[0] = 3;
        c0c1.AsSpan(1).CopyTo(s.AsSpan(1 + 1536)); // S2 echoes C1
        await stream.WriteAsync(s, _stop.Token);
        await stream.ReadExactlyAsync(new byte[1536], _stop.Token);

        var parser = new RtmpChunkParser(this);
        var feeder = new PipeFeeder();
        var buffer = new byte[65536];
        while (true)
        {
            int n = await stream.ReadAsync(buffer, _stop.Token);
            if (n == 0)
            {
                return;
            }

            lock (Messages)
            {
                feeder.Receive(buffer[..n], (ref SequenceReader<byte> r) => parser.Parse(ref r));
            }

            if (_replies.WrittenCount > 0)
            {
                await stream.WriteAsync(_replies.WrittenMemory, _stop.Token);
                _replies.ResetWrittenCount();
            }
        }
    }

    public void OnMediaPayload(byte typeId, int count)
    {
    }

    public void OnMessage(in RtmpMessage message)
    {
        List<object?>? values = message.TypeId is RtmpMessageType.CommandAmf0 or RtmpMessageType.DataAmf0 ? Amf0.DecodeAll(message.Body) : null;
        Messages.Add(new Received(message.TypeId, message.Timestamp, message.Length, message.Body.IsEmpty ? message.Prefix.ToArray() : message.Body.ToArray(), values, _clock.Elapsed.TotalMilliseconds));
        if (message.TypeId != RtmpMessageType.CommandAmf0 || values is not [string name, double transaction, ..])
        {
            return;
        }

        switch (name)
        {
            case "connect":
                RtmpControl.WindowAckSize(_replies, WindowAckSize);
                RtmpControl.SetChunkSize(_replies, OutChunkSize);
                RtmpControl.Command(_replies, OutChunkSize, 0, "_result", transaction, new Amf0Object { { "fmsVer", "FMS/3,0,1,123" } },
                    new Amf0Object { { "level", "status" }, { "code", "NetConnection.Connect.Success" } });
                break;
            case "createStream":
                RtmpControl.Command(_replies, OutChunkSize, 0, "_result", transaction, null, 1.0);
                break;
            case "publish":
                RtmpControl.Command(_replies, OutChunkSize, 1, "onStatus", 0.0, null, new Amf0Object { { "level", "status" }, { "code", "NetStream.Publish.Start" } });
                break;
            case "play":
                RtmpChunkWriter.WriteMessage(_replies, 2, RtmpMessageType.UserControl, 0, 0, [0, 0, 0, 0, 0, 1], OutChunkSize); // StreamBegin 1
                RtmpControl.Command(_replies, OutChunkSize, 1, "onStatus", 0.0, null, new Amf0Object { { "level", "status" }, { "code", "NetStream.Play.Start" } });
                RtmpChunkWriter.WriteMessage(_replies, 2, RtmpMessageType.UserControl, 0, 0, [0, 6, 0, 0, 0x04, 0xD2], OutChunkSize); // PingRequest 1234
                RtmpChunkWriter.WriteMessage(_replies, 6, RtmpMessageType.Video, 1, 0, [0x17, 0x00, 1, 2, 3], OutChunkSize);
                RtmpChunkWriter.WriteMessage(_replies, 6, RtmpMessageType.Video, 1, 0, new byte[10_000].Prepend((byte)0x01).Prepend((byte)0x17).ToArray(), OutChunkSize);
                RtmpChunkWriter.WriteMessage(_replies, 4, RtmpMessageType.Audio, 1, 10, [0xAF, 0x01, 5], OutChunkSize);
                break;
        }
    }

    public List<Received> Snapshot()
    {
        lock (Messages)
        {
            return [.. Messages];
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _serving;
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or SocketException or EndOfStreamException)
        {
        }

        _stop.Dispose();
    }
}
