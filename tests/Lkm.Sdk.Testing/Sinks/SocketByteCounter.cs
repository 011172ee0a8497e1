using System.Net.Sockets;

namespace Lkm.Sdk.Testing.Sinks;

/// <summary>
/// The far end of a player's connection: reads everything the server sends and counts it, allocating nothing
/// per read (one buffer, the socket's cached receive), so an allocation count around a fan-out sees only the server.
/// </summary>
public sealed class SocketByteCounter : IDisposable
{
    private readonly Socket _socket;
    private readonly byte[] _buffer = new byte[64 * 1024];
    private long _received;

    /// <summary>Starts reading <paramref name="socket"/>, which the counter owns from now on.</summary>
    public SocketByteCounter(Socket socket)
    {
        _socket = socket;
        Reading = ReadAsync();
    }

    /// <summary>Bytes received so far.</summary>
    public long Received => Interlocked.Read(ref _received);

    /// <summary>Completes when the connection ends.</summary>
    public Task Reading { get; }

    /// <summary>Closes the connection.</summary>
    public void Dispose() => _socket.Dispose();

    private async Task ReadAsync()
    {
        try
        {
            int n;
            while ((n = await _socket.ReceiveAsync(_buffer.AsMemory(), SocketFlags.None).ConfigureAwait(false)) > 0)
            {
                Interlocked.Add(ref _received, n);
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
        }
    }
}
