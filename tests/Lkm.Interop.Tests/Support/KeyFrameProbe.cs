using System.Buffers;
using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using Lkm.Sdk.Flv;

namespace Lkm.Interop.Tests.Support;

/// <summary>Opens an HTTP-FLV request and times how long until the first complete video keyframe tag arrives.</summary>
public static class KeyFrameProbe
{
    public static async Task<TimeSpan> TimeToFirstKeyFrameAsync(int port, string path, TimeSpan timeout)
    {
        using var client = new TcpClient { NoDelay = true };
        await client.ConnectAsync("127.0.0.1", port);
        var stream = client.GetStream();
        var received = new MemoryStream();
        var buffer = new byte[256 * 1024];
        using var cts = new CancellationTokenSource(timeout);

        // HTTP/1.0: identity body, so the bytes after the header are the FLV stream itself.
        byte[] request = Encoding.ASCII.GetBytes($"GET /{path} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n");
        var clock = Stopwatch.StartNew();
        await stream.WriteAsync(request, cts.Token);
        while (true)
        {
            int n = await stream.ReadAsync(buffer, cts.Token);
            if (n == 0)
            {
                throw new IOException("the server closed the connection before a keyframe");
            }

            received.Write(buffer, 0, n);
            if (HasKeyFrame(received.GetBuffer().AsSpan(0, (int)received.Length).ToArray()))
            {
                return clock.Elapsed;
            }
        }
    }

    private static bool HasKeyFrame(byte[] raw)
    {
        int end = raw.AsSpan().IndexOf("\r\n\r\n"u8);
        if (end < 0)
        {
            return false;
        }

        var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(raw, end + 4, raw.Length - end - 4));
        if (!FlvReader.TryReadFileHeader(ref reader, out _))
        {
            return false;
        }

        while (FlvReader.TryReadTag(ref reader, out var tag))
        {
            if (tag.Type == FlvTagType.Video)
            {
                var body = tag.Body.ToArray();
                if (((body[0] & 0x70) >> 4) == 1 && !FlvCheck.IsSequenceHeader(body))
                {
                    return true;
                }
            }
        }

        return false;
    }
}
