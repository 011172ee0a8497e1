using Lkm.Plugins.Rtmp.Tests.Infrastructure;
using Lkm.Sdk.Testing;
using Lkm.Sdk.Testing.Rtmp;
using Microsoft.Extensions.Logging;
using static Lkm.Sdk.Testing.Rtmp.RawRtmpClient;

namespace Lkm.Plugins.Rtmp.Tests.Session;

/// <summary>Hostile peers are closed with exactly one warning naming the peer and the reason, nothing escapes.</summary>
public class RtmpConnectionRobustnessTests
{
    private static async Task AssertClosedWithOneWarningAsync(RtmpTestServer server, RawRtmpClient client, string reason)
    {
        Assert.True(await client.WaitClosedAsync(), "the server did not close the connection");
        await server.WhenConnectionsEndedAsync();
        var warning = Assert.Single(server.Warnings);
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Contains(client.LocalEndPoint.ToString()!, warning.Message); // the peer, as the server sees it
        Assert.Contains(reason, warning.Message);
        Assert.Null(warning.Exception);
    }

    [Fact]
    public async Task Garbage_instead_of_a_handshake_is_closed()
    {
        await using var server = await RtmpTestServer.StartAsync();
        await using var client = await server.ConnectAsync();

        await client.SendRawAsync("GET / HTTP/1.1\r\nHost: x\r\n\r\n"u8.ToArray());

        await AssertClosedWithOneWarningAsync(server, client, "handshake version");
    }

    [Fact]
    public async Task A_truncated_handshake_times_out()
    {
        await using var server = await RtmpTestServer.StartAsync(new() { ["setup_timeout"] = TimeSpan.FromMilliseconds(500) });
        await using var client = await server.ConnectAsync();

        await client.SendRawAsync(new byte[] { 3, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3 });

        await AssertClosedWithOneWarningAsync(server, client, "no publish or play within");
    }

    [Fact]
    public async Task A_handshake_cut_off_by_the_peer_is_logged_once()
    {
        await using var server = await RtmpTestServer.StartAsync();
        var client = await server.ConnectAsync();
        await client.SendRawAsync(new byte[] { 3, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3 });
        await client.DisposeAsync();

        await server.WhenConnectionsEndedAsync();
        var warning = Assert.Single(server.Warnings);
        Assert.Contains("truncated", warning.Message);
    }

    [Fact]
    public async Task A_connection_that_closes_before_sending_anything_is_not_a_warning()
    {
        await using var server = await RtmpTestServer.StartAsync();
        var client = await server.ConnectAsync();
        await client.DisposeAsync();

        await server.WhenConnectionsEndedAsync();
        Assert.Empty(server.Warnings);
    }

    [Fact]
    public async Task A_large_chunk_size_within_the_message_limit_is_accepted_and_the_session_goes_on()
    {
        await using var server = await RtmpTestServer.StartAsync();
        await using var client = await server.ConnectAsync();
        await client.ConnectAppAsync("live");

        await client.SendMessageAsync(2, RtmpMessageType.SetChunkSize, 0, 0, [0x00, 0x10, 0x00, 0x00]);
        client.Encoder.ChunkSize = 0x100000;
        await client.SendCommandAsync(0, "createStream", 2.0, null);
        var reply = (await client.ReadUntilAsync(m => IsCommand(m, "_result"))).Last();

        Assert.Equal(2.0, Values(reply)[1]);
        Assert.Empty(server.Warnings);
    }

    [Fact]
    public async Task A_chunk_size_of_0x7FFFFFFF_is_closed()
    {
        await using var server = await RtmpTestServer.StartAsync();
        await using var client = await server.ConnectAsync();
        await client.ConnectAppAsync("live");

        await client.SendMessageAsync(2, RtmpMessageType.SetChunkSize, 0, 0, [0x7F, 0xFF, 0xFF, 0xFF]);

        await AssertClosedWithOneWarningAsync(server, client, "chunk size 2147483647");
    }

    [Fact]
    public async Task A_16_MB_message_length_is_closed()
    {
        await using var server = await RtmpTestServer.StartAsync();
        await using var client = await server.ConnectAsync();
        await client.ConnectAppAsync("live");

        await client.SendRawAsync(new byte[] { 0x06, 0, 0, 0, 0xFF, 0xFF, 0xFF, 9, 1, 0, 0, 0, 0x17, 0 });

        await AssertClosedWithOneWarningAsync(server, client, "exceeds the limit");
    }

    [Fact]
    public async Task A_chunk_stream_storm_is_closed()
    {
        await using var server = await RtmpTestServer.StartAsync();
        await using var client = await server.ConnectAsync();
        await client.ConnectAppAsync("live");

        var storm = new List<byte>();
        for (int csid = 100; csid < 1100; csid++)
        {
            // First chunk (128 bytes) of a 1000-byte message on each chunk stream.
            storm.AddRange(client.Encoder.Encode(csid, RtmpMessageType.Video, 0, 1, new byte[1000])[0]);
        }

        try
        {
            await client.SendRawAsync(storm.ToArray());
        }
        catch (System.Net.Sockets.SocketException)
        {
            // The server may already have closed.
        }

        await AssertClosedWithOneWarningAsync(server, client, "chunk streams");
    }

    [Fact]
    public async Task A_malformed_command_is_closed()
    {
        await using var server = await RtmpTestServer.StartAsync();
        await using var client = await server.ConnectAsync();
        await client.HandshakeAsync();

        // An AMF0 string claiming 200 bytes with 3 present.
        await client.SendMessageAsync(3, RtmpMessageType.CommandAmf0, 0, 0, [0x02, 0x00, 0xC8, (byte)'a', (byte)'b', (byte)'c']);

        Assert.True(await client.WaitClosedAsync());
        await server.WhenConnectionsEndedAsync();
        Assert.Single(server.Warnings);
    }

    [Fact]
    public async Task Random_traffic_after_a_valid_connect_never_escapes_as_an_exception()
    {
        await using var server = await RtmpTestServer.StartAsync(new() { ["setup_timeout"] = TimeSpan.FromSeconds(1) });
        var random = new Random(11);
        for (int i = 0; i < 20; i++)
        {
            await using var client = await server.ConnectAsync();
            await client.ConnectAppAsync("live");
            var junk = new byte[random.Next(1, 5000)];
            random.NextBytes(junk);
            try
            {
                await client.SendRawAsync(junk);
            }
            catch (System.Net.Sockets.SocketException)
            {
            }

            await client.WaitClosedAsync(2000);
        }

        await server.WhenConnectionsEndedAsync();
        Assert.All(server.Warnings, w => Assert.Null(w.Exception));
        Assert.True(server.Warnings.Count <= 20);
    }
}
