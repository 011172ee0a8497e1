using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using Lkm.Host.Networking;
using Lkm.Sdk.Plugins;
using Lkm.Sdk.Testing;

namespace Lkm.Host.Tests.Networking;

/// <summary>
/// A host-owned UDP port on real loopback sockets: datagrams reach the handler one at a time with their sender, a
/// handler that throws does not stop the port, and a retargeted port delivers to the new handler without a rebind.
/// </summary>
public sealed class UdpListenerServiceTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Datagrams_reach_the_handler_a_throwing_handler_is_survived_and_a_retarget_takes_the_port_over()
    {
        var first = Channel.CreateUnbounded<(string Text, IPEndPoint From)>();
        var second = Channel.CreateUnbounded<string>();
        var logs = new TestLoggerFactory();
        await using var listener = new UdpListenerService("test", new IPEndPoint(IPAddress.Loopback, 0), Handler(first, throwOn: "boom"), null, logs.CreateLogger("Lkm.Listener"), CancellationToken.None);
        using var sender = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        sender.Bind(new IPEndPoint(IPAddress.Loopback, 0));

        await SendAsync(sender, listener.EndPoint, "one");
        var (text, from) = await first.Reader.ReadAsync(Ct).AsTask().WaitAsync(TimeSpan.FromSeconds(5), Ct);
        Assert.Equal("one", text);
        Assert.Equal(sender.LocalEndPoint, from);

        await SendAsync(sender, listener.EndPoint, "boom");
        await SendAsync(sender, listener.EndPoint, "two");
        Assert.Equal("two", (await first.Reader.ReadAsync(Ct).AsTask().WaitAsync(TimeSpan.FromSeconds(5), Ct)).Text);
        Assert.Equal(1, listener.HandlerErrors);
        Assert.Contains(logs.Entries, e => e.Message.Contains("the handler failed", StringComparison.Ordinal));

        var port = listener.EndPoint;
        listener.Retarget((datagram, _, _) =>
        {
            second.Writer.TryWrite(System.Text.Encoding.ASCII.GetString(datagram.Span));
            return ValueTask.CompletedTask;
        }, null);
        await SendAsync(sender, port, "three");
        Assert.Equal("three", await second.Reader.ReadAsync(Ct).AsTask().WaitAsync(TimeSpan.FromSeconds(5), Ct));
        Assert.False(first.Reader.TryRead(out _));
        Assert.Equal(port, listener.EndPoint);
    }

    [Fact]
    public async Task A_datagram_longer_than_the_buffer_is_dropped_whole_and_counted()
    {
        var received = Channel.CreateUnbounded<(string Text, IPEndPoint From)>();
        await using var listener = new UdpListenerService("small", new IPEndPoint(IPAddress.Loopback, 0), Handler(received, throwOn: "-"), null,
            new TestLoggerFactory().CreateLogger("Lkm.Listener"), CancellationToken.None, maxDatagramSize: 100);
        using var sender = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);

        await SendAsync(sender, listener.EndPoint, new string('x', 200));
        await SendAsync(sender, listener.EndPoint, "fits");

        Assert.Equal("fits", (await received.Reader.ReadAsync(Ct).AsTask().WaitAsync(TimeSpan.FromSeconds(5), Ct)).Text);
        Assert.Equal(1, listener.Truncated);
    }

    private static UdpDatagramHandler Handler(Channel<(string, IPEndPoint)> received, string throwOn) => (datagram, remote, _) =>
    {
        string text = System.Text.Encoding.ASCII.GetString(datagram.Span);
        if (text == throwOn)
        {
            throw new InvalidOperationException("a plugin bug");
        }

        // The address is reused by the next receive: copied here, as a handler must.
        received.Writer.TryWrite((text, (IPEndPoint)new IPEndPoint(IPAddress.Any, 0).Create(remote)));
        return ValueTask.CompletedTask;
    };

    private static async Task SendAsync(Socket sender, IPEndPoint to, string text) =>
        await sender.SendToAsync(System.Text.Encoding.ASCII.GetBytes(text), SocketFlags.None, to, Ct);
}
