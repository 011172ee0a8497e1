using System.Buffers;
using System.IO.Pipelines;
using Lkm.Plugins.Rtmp.Handshake;
using Lkm.Plugins.Rtmp.Protocol;
using Microsoft.Extensions.Logging;

namespace Lkm.Plugins.Rtmp.Session;

/// <summary>
/// The handshake on the wire: C0+C1 in, S0+S1+S2 out, C2 in. The bytes themselves are
/// <see cref="RtmpHandshake"/>'s business; this reads and writes them with pooled buffers.
/// </summary>
internal static partial class RtmpHandshakeIo
{
    public static async Task RunAsync(RtmpConnectionContext connection, PipeReader input)
    {
        var c0c1 = ArrayPool<byte>.Shared.Rent(RtmpHandshake.RequestSize);
        var response = ArrayPool<byte>.Shared.Rent(RtmpHandshake.ResponseSize);
        try
        {
            await CheckVersionAsync(connection, input).ConfigureAwait(false);
            await ReadExactlyAsync(connection, input, c0c1.AsMemory(0, RtmpHandshake.RequestSize), "C0+C1").ConfigureAwait(false);
            var kind = RtmpHandshake.WriteResponse(c0c1.AsSpan(0, RtmpHandshake.RequestSize), response);
            await connection.Output.SendAsync(response.AsMemory(0, RtmpHandshake.ResponseSize)).ConfigureAwait(false);

            // C2 is read and not checked: many clients do not echo S1 faithfully.
            await ReadExactlyAsync(connection, input, c0c1.AsMemory(0, RtmpHandshake.PacketSize), "C2").ConfigureAwait(false);
            Log.HandshakeDone(connection.Logger, connection.Peer, kind);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(c0c1);
            ArrayPool<byte>.Shared.Return(response);
        }
    }

    /// <summary>Refuses a wrong C0 (HTTP, TLS, RTMPE, noise) as soon as its first byte arrives.</summary>
    private static async Task CheckVersionAsync(RtmpConnectionContext connection, PipeReader input)
    {
        var result = await input.ReadAsync(connection.ReadToken).ConfigureAwait(false);
        if (result.Buffer.IsEmpty)
        {
            throw new EndOfStreamException("closed before the handshake");
        }

        byte version = result.Buffer.FirstSpan[0];
        input.AdvanceTo(result.Buffer.Start);
        RtmpHandshake.CheckVersion(version);
    }

    private static async Task ReadExactlyAsync(RtmpConnectionContext connection, PipeReader input, Memory<byte> destination, string what)
    {
        while (true)
        {
            var result = await input.ReadAsync(connection.ReadToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            if (buffer.Length >= destination.Length)
            {
                buffer.Slice(0, destination.Length).CopyTo(destination.Span);
                input.AdvanceTo(buffer.GetPosition(destination.Length));
                connection.BytesReceived += destination.Length;
                return;
            }

            if (result.IsCompleted)
            {
                if (buffer.Length == 0 && what == "C0+C1")
                {
                    throw new EndOfStreamException("closed before the handshake");
                }

                throw new RtmpProtocolException($"connection closed during the handshake ({what} truncated at {buffer.Length} bytes)");
            }

            input.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    private static partial class Log
    {
        // Before the handshake ends no stream is named yet: the peer is all there is to say.
        [LoggerMessage(Level = LogLevel.Debug, Message = "RTMP {Peer}: {Kind} handshake done")]
        public static partial void HandshakeDone(ILogger logger, string peer, HandshakeKind kind);
    }
}
