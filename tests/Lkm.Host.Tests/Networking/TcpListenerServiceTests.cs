using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using Lkm.Host.Networking;
using Lkm.Sdk.Testing;
using Microsoft.Extensions.Logging;

namespace Lkm.Host.Tests.Networking;

/// <summary>
/// The host's TCP listener on real loopback sockets (port 0, so tests run in parallel): it hands each accepted
/// socket to the plugin's callback, survives a callback that throws, and on dispose stops accepting and frees the
/// port while live connections go on.
/// </summary>
public sealed class TcpListenerServiceTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>The one place a listener is built, so a change of constructor is one edit.</summary>
    private static TcpListenerService Listen(Func<Socket, CancellationToken, Task> onConnection, TestLoggerFactory? logs = null,
        CancellationToken? shutdown = null, int port = 0, string name = "test") =>
        new(name, new IPEndPoint(IPAddress.Loopback, port), onConnection, null, (logs ?? new TestLoggerFactory()).CreateLogger("Lkm.Listener"), shutdown ?? CancellationToken.None);

    [Fact]
    public async Task Binds_a_real_port_and_hands_each_accepted_socket_to_the_callback()
    {
        var accepted = Channel.CreateUnbounded<(Socket Socket, CancellationToken Token)>();
        using var shutdown = new CancellationTokenSource();
        await using var listener = Listen(
            async (socket, token) =>
            {
                accepted.Writer.TryWrite((socket, token));
                await EchoAsync(socket, token);
            },
            shutdown: shutdown.Token);

        Assert.Equal(IPAddress.Loopback, listener.EndPoint.Address);
        Assert.NotEqual(0, listener.EndPoint.Port);
        Assert.Equal("test", listener.Name);

        using var first = await ConnectAsync(listener.EndPoint);
        using var second = await ConnectAsync(listener.EndPoint);
        var (a, tokenA) = await accepted.Reader.ReadAsync(Ct).AsTask().WaitAsync(Timeout, Ct);
        var (b, _) = await accepted.Reader.ReadAsync(Ct).AsTask().WaitAsync(Timeout, Ct);
        Assert.Equal(
            new[] { first.LocalEndPoint!.ToString(), second.LocalEndPoint!.ToString() }.Order(),
            new[] { a.RemoteEndPoint!.ToString(), b.RemoteEndPoint!.ToString() }.Order());
        Assert.True(a.NoDelay, "accepted sockets are set to NoDelay");
        Assert.Equal(shutdown.Token, tokenA);

        Assert.Equal("ping", await RoundTripAsync(first, "ping"));
        Assert.Equal("pong", await RoundTripAsync(second, "pong"));
    }

    [Fact]
    public async Task The_socket_is_closed_when_the_callback_returns()
    {
        await using var listener = Listen((_, _) => Task.CompletedTask);
        using var client = await ConnectAsync(listener.EndPoint);
        Assert.True(await ClosedByPeerAsync(client), "the server end was not closed after the callback returned");
    }

    [Fact]
    public async Task A_callback_that_throws_is_logged_and_the_listener_keeps_serving()
    {
        var logs = new TestLoggerFactory();
        int calls = 0;
        await using var listener = Listen(
            async (socket, token) =>
            {
                if (Interlocked.Increment(ref calls) == 1)
                {
                    throw new InvalidOperationException("plugin bug");
                }

                await EchoAsync(socket, token);
            },
            logs,
            name: "rtmp");

        using var doomed = await ConnectAsync(listener.EndPoint);
        Assert.True(await ClosedByPeerAsync(doomed), "the socket of a failed callback must be closed, not leaked");
        var error = await WaitForAsync(() => logs.AtLeast(LogLevel.Error).FirstOrDefault());
        Assert.IsType<InvalidOperationException>(error.Exception);
        Assert.Contains("rtmp", error.Message, StringComparison.Ordinal);

        using var next = await ConnectAsync(listener.EndPoint);
        Assert.Equal("still here", await RoundTripAsync(next, "still here"));
        Assert.Equal(2, Volatile.Read(ref calls));
    }

    [Fact]
    public async Task Disposing_stops_accepting_frees_the_port_and_leaves_live_connections_alone()
    {
        var logs = new TestLoggerFactory();
        var listener = Listen(EchoAsync, logs);
        var endPoint = listener.EndPoint;
        using var live = await ConnectAsync(endPoint);
        Assert.Equal("before", await RoundTripAsync(live, "before"));

        await listener.DisposeAsync();
        await listener.DisposeAsync(); // twice is harmless

        var refused = await Assert.ThrowsAnyAsync<SocketException>(() => ConnectAsync(endPoint));
        Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);
        Assert.Equal("after", await RoundTripAsync(live, "after"));
        Assert.Single(logs.Entries, e => e.Message.Contains("stopped listening", StringComparison.Ordinal));

        // The port is free again: a new listener (a new version of the plugin) takes it over.
        await using var successor = Listen(EchoAsync, port: endPoint.Port);
        Assert.Equal(endPoint, successor.EndPoint);
        using var client = await ConnectAsync(endPoint);
        Assert.Equal("new", await RoundTripAsync(client, "new"));
    }

    [Fact]
    public async Task Disposing_an_idle_listener_frees_the_port_for_a_plain_bind()
    {
        var listener = Listen(EchoAsync);
        var endPoint = listener.EndPoint;
        await listener.DisposeAsync();

        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(endPoint);
        socket.Listen(1);
        Assert.Equal(endPoint, socket.LocalEndPoint);
    }

    [Fact]
    public async Task A_port_held_by_another_program_is_an_error_naming_the_listener_and_the_end_point()
    {
        using var other = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        other.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        other.Listen(1);
        var taken = (IPEndPoint)other.LocalEndPoint!;

        var ex = Assert.Throws<PortInUseException>(() => Listen(EchoAsync, port: taken.Port, name: "rtmp"));
        Assert.Equal(
            $"port {taken.Port} is already in use: rtmp cannot listen on {taken}; stop the other process or pick another port with --set",
            ex.Message);
        Assert.Equal(("rtmp", taken.Port), (ex.Listener, ex.Port));
        Assert.Equal(SocketError.AddressAlreadyInUse, Assert.IsType<SocketException>(ex.InnerException).SocketErrorCode);

        using var client = await ConnectAsync(taken);
        using var accepted = await other.AcceptAsync(Ct).AsTask().WaitAsync(Timeout, Ct); // the other program keeps its port
        Assert.Equal(client.LocalEndPoint, accepted.RemoteEndPoint);
    }

    // A second LKM listener (a second server, two plugins on one port) must not share the port: with SO_REUSEPORT
    // the kernel would split the connections between them without an error.
    [Fact]
    public async Task A_port_another_listener_holds_is_an_error_naming_the_listener_and_the_end_point()
    {
        await using var first = Listen(EchoAsync);
        var ex = Assert.Throws<PortInUseException>(() => Listen(EchoAsync, port: first.EndPoint.Port, name: "rtmp"));
        Assert.StartsWith($"port {first.EndPoint.Port} is already in use: rtmp cannot listen on {first.EndPoint}", ex.Message, StringComparison.Ordinal);
        Assert.IsType<SocketException>(ex.InnerException);

        // Every connection still reaches the first listener (with SO_REUSEPORT some would go to the second).
        for (int i = 0; i < 8; i++)
        {
            using var client = await ConnectAsync(first.EndPoint);
            Assert.Equal("first", await RoundTripAsync(client, "first"));
        }
    }

    [Fact]
    public async Task A_port_with_connections_in_time_wait_can_be_listened_on_again()
    {
        // What a restarted server needs (plain SO_REUSEADDR, which .NET sets on Unix): the old server's
        // closed connections linger in TIME_WAIT on the server side when the server closed first.
        var listener = Listen((socket, _) => Task.CompletedTask); // closes each accepted socket at once
        var endPoint = listener.EndPoint;
        for (int i = 0; i < 3; i++)
        {
            using var client = await ConnectAsync(endPoint);
            Assert.True(await ClosedByPeerAsync(client));
        }

        await listener.DisposeAsync();
        await using var restarted = Listen(EchoAsync, port: endPoint.Port);
        using var next = await ConnectAsync(endPoint);
        Assert.Equal("again", await RoundTripAsync(next, "again"));
    }

    private static async Task EchoAsync(Socket socket, CancellationToken cancellationToken)
    {
        var buffer = new byte[1024];
        int n;
        while ((n = await socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken)) > 0)
        {
            await socket.SendAsync(buffer.AsMemory(0, n), SocketFlags.None, cancellationToken);
        }
    }

    private static async Task<Socket> ConnectAsync(IPEndPoint endPoint)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await socket.ConnectAsync(endPoint, Ct).AsTask().WaitAsync(Timeout, Ct);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static async Task<string> RoundTripAsync(Socket socket, string text)
    {
        var bytes = System.Text.Encoding.ASCII.GetBytes(text);
        await socket.SendAsync(bytes, SocketFlags.None, Ct);
        var received = new byte[bytes.Length];
        int total = 0;
        while (total < received.Length)
        {
            int n = await socket.ReceiveAsync(received.AsMemory(total), SocketFlags.None, Ct).AsTask().WaitAsync(Timeout, Ct);
            Assert.True(n > 0, "the server closed the connection");
            total += n;
        }

        return System.Text.Encoding.ASCII.GetString(received);
    }

    private static async Task<bool> ClosedByPeerAsync(Socket socket)
    {
        var buffer = new byte[64];
        try
        {
            return await socket.ReceiveAsync(buffer, SocketFlags.None, Ct).AsTask().WaitAsync(Timeout, Ct) == 0;
        }
        catch (SocketException)
        {
            return true; // reset
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    private static async Task<T> WaitForAsync<T>(Func<T?> probe)
        where T : class
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (probe() is { } value)
            {
                return value;
            }

            await Task.Delay(10, Ct);
        }

        throw new TimeoutException("condition not met within " + Timeout);
    }
}
