using System.Net.Sockets;
using System.Net.WebSockets;

namespace Lkm.Sdk.Networking;

/// <summary>
/// Tells a peer going away (reset, abort, timeout, closed socket) from a bug in our own code, by
/// exception type. Only the former is routine; everything else must be logged with its stack.
/// </summary>
public static class ConnectionErrors
{
    /// <summary>
    /// True for socket and stream errors, Kestrel's connection reset/abort, WebSocket errors and
    /// cancellation. <see cref="ObjectDisposedException"/> counts only for a socket or stream, which a
    /// concurrent close disposes; an <see cref="InvalidOperationException"/> is never one.
    /// </summary>
    public static bool IsConnectionError(Exception ex) => ex switch
    {
        // Kestrel's ConnectionResetException is an IOException, its ConnectionAbortedException an OperationCanceledException.
        SocketException or IOException or WebSocketException or OperationCanceledException => true,
        ObjectDisposedException { ObjectName: { } name } => IsTransport(name),
        _ => false,
    };

    private static bool IsTransport(string objectName) =>
        objectName.Contains("Socket", StringComparison.Ordinal) || objectName.Contains("Stream", StringComparison.Ordinal)
        || objectName.Contains("Pipe", StringComparison.Ordinal) || objectName.Contains("SafeHandle", StringComparison.Ordinal);
}
