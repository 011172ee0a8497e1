using System.Buffers.Binary;
using Lkm.Plugins.Rtmp.Tests.Infrastructure;
using Lkm.Sdk.Amf;
using Lkm.Sdk.Buffers;
using Lkm.Sdk.Media;
using Lkm.Sdk.Streaming;
using Lkm.Sdk.Testing;
using Lkm.Sdk.Testing.Rtmp;
using static Lkm.Sdk.Testing.Rtmp.RawRtmpClient;

namespace Lkm.Plugins.Rtmp.Tests.Session;

/// <summary>The NetConnection/NetStream command flow against the plugin over real sockets.</summary>
public class RtmpConnectionTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    // AAC LC, 44100 Hz, stereo.
    private static readonly byte[] s_aacConfig = [0x12, 0x10];

    private static uint UInt32(byte[] payload) => BinaryPrimitives.ReadUInt32BigEndian(payload);

    private static Amf0Object AudioOnlyMetadata() => new() { { "audiocodecid", 10.0 }, { "audiosamplerate", 44100.0 } };

    private static async Task<RawRtmpClient> PublishAsync(RtmpTestServer server, string name, string app = "live")
    {
        var client = await server.ConnectAsync();
        await client.ConnectAppAsync(app);
        await client.SendCommandAsync(0, "releaseStream", 2.0, null, name);
        await client.SendCommandAsync(0, "FCPublish", 3.0, null, name);
        await client.SendCommandAsync(0, "createStream", 4.0, null);
        await client.ReadUntilAsync(m => IsCommand(m, "_result") && Values(m)[1] is 4.0);
        await client.SendCommandAsync(1, "publish", 5.0, null, name, "live");
        return client;
    }

    [Fact]
    public async Task Connect_is_answered_with_window_bandwidth_chunk_size_then_result()
    {
        await using var server = await RtmpTestServer.StartAsync();
        await using var client = await server.ConnectAsync();
        await client.HandshakeAsync();

        await client.SendCommandAsync(0, "connect", 1.0, new Amf0Object { { "app", "live" }, { "tcUrl", "rtmp://127.0.0.1/live" } });
        var replies = await client.ReadUntilAsync(m => IsCommand(m, "_result"));

        Assert.Equal(
            [RtmpMessageType.WindowAckSize, RtmpMessageType.SetPeerBandwidth, RtmpMessageType.SetChunkSize, RtmpMessageType.CommandAmf0],
            replies.Select(m => m.Type));
        Assert.Equal(2_500_000u, UInt32(replies[0].Payload));
        Assert.Equal(60000u, UInt32(replies[2].Payload));
        var result = Values(replies[3]);
        Assert.Equal(1.0, result[1]);
        Assert.Equal("NetConnection.Connect.Success", ((Amf0Object)result[3]!)["code"]);

        // TCP_NODELAY on the server's socket, so replies are not held back by Nagle.
        Assert.True(Assert.Single(server.Context.AcceptedSockets).NoDelay);
    }

    [Fact]
    public async Task CreateStream_returns_stream_1_and_getStreamLength_and_unknown_commands_are_harmless()
    {
        await using var server = await RtmpTestServer.StartAsync();
        await using var client = await server.ConnectAsync();
        await client.ConnectAppAsync("live");

        await client.SendCommandAsync(0, "_checkbw", 2.0, null);
        await client.SendCommandAsync(0, "createStream", 3.0, null);
        var created = (await client.ReadUntilAsync(m => IsCommand(m, "_result"))).Last();
        await client.SendCommandAsync(1, "getStreamLength", 4.0, null, "test");
        var length = (await client.ReadUntilAsync(m => IsCommand(m, "_result"))).Last();

        Assert.Equal([3.0, 1.0], new[] { Values(created)[1], Values(created)[3] });
        Assert.Equal(4.0, Values(length)[1]);
    }

    [Fact]
    public async Task Publish_reaches_the_hub_with_stream_id_query_and_media()
    {
        await using var server = await RtmpTestServer.StartAsync();
        await using var client = await PublishAsync(server, "cam1?token=abc");

        var status = (await client.ReadUntilAsync(m => StatusCode(m) is not null)).Last();
        Assert.Equal("NetStream.Publish.Start", StatusCode(status));
        Assert.Equal(1, status.StreamId);

        var publisher = await server.Hub.NextPublisherAsync(Timeout);
        Assert.Equal("live/cam1", publisher.StreamId);
        Assert.Equal("rtmp", publisher.Request.Protocol);
        Assert.Equal("abc", publisher.Request.Query["token"]);
        Assert.NotNull(publisher.Request.RemoteEndPoint);

        await client.SendMessageAsync(4, RtmpMessageType.DataAmf0, 0, 1, [0x02, 0x00, 0xC8, (byte)'x']); // broken: ignored
        await client.SendMessageAsync(4, RtmpMessageType.DataAmf0, 0, 1, Amf0.Encode("@setDataFrame", "onMetaData", AudioOnlyMetadata()));
        await client.SendMessageAsync(4, RtmpMessageType.Audio, 0, 1, [0xAF, 0x00, .. s_aacConfig]);
        await client.SendMessageAsync(4, RtmpMessageType.Audio, 0, 1, [0xAF, 0x01, 1, 2, 3]);
        await client.SendMessageAsync(4, RtmpMessageType.Audio, 23, 1, [0xAF, 0x01, 4, 5, 6]);
        await publisher.TracksCompleted.WaitAsync(Timeout, TestContext.Current.CancellationToken);
        await client.SendCommandAsync(1, "FCUnpublish", 6.0, null, "cam1");
        await publisher.Disposed.WaitAsync(Timeout, TestContext.Current.CancellationToken);

        var track = Assert.Single(publisher.Tracks);
        Assert.Equal((CodecId.Aac, 44100), (track.Codec, track.SampleRate));
        Assert.Equal([(0L, new byte[] { 1, 2, 3 }), (23L, new byte[] { 4, 5, 6 })], publisher.Packets.Select(p => (p.Dts, p.Data)));
        Assert.Equal(10.0, publisher.Metadata!["audiocodecid"]);
        Assert.True(publisher.BytesReceived > 0);
        Assert.Empty(server.Warnings);
    }

    [Fact]
    public async Task Aggregate_messages_are_split_into_their_sub_messages()
    {
        await using var server = await RtmpTestServer.StartAsync();
        await using var client = await PublishAsync(server, "agg");
        var publisher = await server.Hub.NextPublisherAsync(Timeout);
        await client.SendMessageAsync(4, RtmpMessageType.DataAmf0, 0, 1, Amf0.Encode("onMetaData", AudioOnlyMetadata()));

        var aggregate = new List<byte>();
        void Sub(uint ts, byte[] body)
        {
            aggregate.AddRange([8, 0, 0, (byte)body.Length, (byte)(ts >> 16), (byte)(ts >> 8), (byte)ts, (byte)(ts >> 24), 0, 0, 0]);
            aggregate.AddRange(body);
            aggregate.AddRange([0, 0, 0, (byte)(11 + body.Length)]);
        }

        Sub(500, [0xAF, 0x00, .. s_aacConfig]);
        Sub(500, [0xAF, 0x01, 7]);
        Sub(523, [0xAF, 0x01, 8]);
        await client.SendMessageAsync(4, RtmpMessageType.Aggregate, 1000, 1, [.. aggregate]);
        await publisher.TracksCompleted.WaitAsync(Timeout, TestContext.Current.CancellationToken);
        await client.SendCommandAsync(1, "deleteStream", 7.0, null, 1.0);
        await publisher.Disposed.WaitAsync(Timeout, TestContext.Current.CancellationToken);

        Assert.Equal([(1000L, (byte)7), (1023L, (byte)8)], publisher.Packets.Select(p => (p.Dts, p.Data[0])));
    }

    [Fact]
    public async Task Amf3_envelopes_are_read_when_they_hold_amf0_and_ignored_otherwise()
    {
        await using var server = await RtmpTestServer.StartAsync();
        await using var client = await server.ConnectAsync();
        await client.HandshakeAsync();

        // connect as an AMF3 command message (type 17): format byte 0, then AMF0.
        byte[] connect = [0, .. Amf0.Encode("connect", 1.0, new Amf0Object { { "app", "live" } })];
        await client.SendMessageAsync(3, RtmpMessageType.CommandAmf3, 0, 0, connect);
        await client.ReadUntilAsync(m => IsCommand(m, "_result"));

        // Real AMF3 (a non-zero first byte) and an AMF3 data message are ignored; the connection goes on.
        await client.SendMessageAsync(3, RtmpMessageType.CommandAmf3, 0, 0, [0x11, 0x06, 0x05, (byte)'h']);
        await client.SendMessageAsync(4, RtmpMessageType.DataAmf3, 0, 0, [0x0A, 0x0B, 0x01]);
        await client.SendMessageAsync(3, RtmpMessageType.CommandAmf3, 0, 0, [0x00, 0x02, 0x00, 0xC8, (byte)'x']);
        await client.SendCommandAsync(0, "createStream", 2.0, null);
        var created = (await client.ReadUntilAsync(m => IsCommand(m, "_result"))).Last();

        Assert.Equal(2.0, Values(created)[1]);
        Assert.Empty(server.Warnings);
    }

    [Fact]
    public async Task A_ping_request_is_answered()
    {
        await using var server = await RtmpTestServer.StartAsync();
        await using var client = await server.ConnectAsync();
        await client.ConnectAppAsync("live");

        await client.SendMessageAsync(2, RtmpMessageType.UserControl, 0, 0, [0, 6, 0x12, 0x34, 0x56, 0x78]);
        var pong = (await client.ReadUntilAsync(m => m.Type == RtmpMessageType.UserControl)).Last();

        Assert.Equal(new byte[] { 0, 7, 0x12, 0x34, 0x56, 0x78 }, pong.Payload);
    }

    [Fact]
    public async Task The_server_acknowledges_every_half_window()
    {
        await using var server = await RtmpTestServer.StartAsync();
        await using var client = await server.ConnectAsync();
        await client.ConnectAppAsync("live");

        // Ask for a 100 kB window, then send 60 kB of (ignored) shared-object messages.
        await client.SendMessageAsync(2, RtmpMessageType.WindowAckSize, 0, 0, [0, 0x01, 0x86, 0xA0]);
        for (int i = 0; i < 10; i++)
        {
            await client.SendMessageAsync(5, RtmpMessageType.SharedObjectAmf0, 0, 0, new byte[6000]);
        }

        var ack = (await client.ReadUntilAsync(m => m.Type == RtmpMessageType.Acknowledgement)).Last();
        Assert.InRange(UInt32(ack.Payload), 50_000u, 70_000u);
    }

    [Fact]
    public async Task A_second_publisher_of_the_same_stream_gets_BadName_and_is_closed()
    {
        await using var server = await RtmpTestServer.StartAsync();
        await using var first = await PublishAsync(server, "dup");
        await first.ReadUntilAsync(m => StatusCode(m) == "NetStream.Publish.Start");

        await using var second = await PublishAsync(server, "dup");
        var status = (await second.ReadUntilAsync(m => StatusCode(m) is not null)).Last();

        Assert.Equal("NetStream.Publish.BadName", StatusCode(status));
        Assert.Equal("error", ((Amf0Object)Values(status)[3]!)["level"]);
        Assert.True(await second.WaitClosedAsync());
    }

    [Theory]
    [InlineData(DenyReason.Forbidden, "NetStream.Publish.Unauthorized")]
    [InlineData(DenyReason.BadRequest, "NetStream.Publish.Rejected")]
    public async Task A_denied_publish_gets_an_error_status_with_the_reason_then_close(DenyReason reason, string code)
    {
        await using var server = await RtmpTestServer.StartAsync();
        server.Hub.DenyPublish = _ => reason;
        await using var client = await PublishAsync(server, "denied");

        var status = (await client.ReadUntilAsync(m => StatusCode(m) is not null)).Last();

        Assert.Equal(code, StatusCode(status));
        Assert.Contains("refused by the test", (string)((Amf0Object)Values(status)[3]!)["description"]!);
        Assert.True(await client.WaitClosedAsync());
    }

    [Fact]
    public async Task A_publisher_closed_by_the_host_closes_the_connection()
    {
        await using var server = await RtmpTestServer.StartAsync();
        await using var client = await PublishAsync(server, "kick");
        var publisher = await server.Hub.NextPublisherAsync(Timeout);
        await client.ReadUntilAsync(m => StatusCode(m) == "NetStream.Publish.Start");

        publisher.CloseFromHost();

        Assert.True(await client.WaitClosedAsync());
        await publisher.Disposed.WaitAsync(Timeout, TestContext.Current.CancellationToken);
        await server.WhenConnectionsEndedAsync();
        Assert.Contains(server.Context.Logs.Entries, e => e.Message.Contains("closed by the server") && e.Message.Contains("live/kick"));
    }

    [Fact]
    public async Task A_disconnect_disposes_the_publisher()
    {
        await using var server = await RtmpTestServer.StartAsync();
        var client = await PublishAsync(server, "gone");
        var publisher = await server.Hub.NextPublisherAsync(Timeout);
        await client.ReadUntilAsync(m => StatusCode(m) == "NetStream.Publish.Start");

        await client.DisposeAsync();

        await publisher.Disposed.WaitAsync(Timeout, TestContext.Current.CancellationToken);
        await server.WhenConnectionsEndedAsync();
        Assert.Contains(server.Context.Logs.Entries, e => e.Message.Contains("RTMP publish live/gone") && e.Message.Contains("ended"));
    }

    [Fact]
    public async Task Play_sends_stream_begin_and_status_then_the_shared_segments()
    {
        await using var server = await RtmpTestServer.StartAsync();
        var track = new MediaTrack { Codec = CodecId.Aac, CodecConfig = s_aacConfig, SampleRate = 44100, Channels = 2, Index = 0 };
        var packets = Enumerable.Range(0, 5).Select(i => new RecordedPacket(0, 1000 + (i * 23), 1000 + (i * 23), true, [(byte)i, 9, 9])).ToList();
        var source = new TestSource([track], StreamMetadata.Empty, packets) { MergeWriteMs = 0 };
        server.Hub.OnPlay = (request, sink) => ValueTask.FromResult(source.Attach(server.Factory, sink, closeWhenSent: false));

        await using var client = await server.ConnectAsync();
        await client.ConnectAppAsync("live");
        await client.SendCommandAsync(0, "createStream", 2.0, null);
        await client.ReadUntilAsync(m => IsCommand(m, "_result"));
        await client.SendCommandAsync(1, "play", 3.0, null, "test?token=xyz");
        var messages = await client.ReadUntilAsync(m => m.Type == RtmpMessageType.Audio && m.Timestamp == 1092);

        Assert.Equal(
            ["UserControl", "CommandAmf0:onStatus/NetStream.Play.Reset", "CommandAmf0:onStatus/NetStream.Play.Start", "DataAmf0:|RtmpSampleAccess", "DataAmf0:onMetaData", "Audio", "Audio", "Audio", "Audio", "Audio", "Audio"],
            messages.Select(Describe));
        Assert.Equal(new byte[] { 0, 0, 0, 0, 0, 1 }, messages[0].Payload); // StreamBegin 1
        Assert.Equal(new byte[] { 0xAF, 0x00, 0x12, 0x10 }, messages[5].Payload);
        Assert.Equal([1000u, 1023u, 1046u, 1069u, 1092u], messages.Skip(6).Select(m => m.Timestamp));
        Assert.All(messages.Skip(4), m => Assert.Equal(1, m.StreamId));

        var request = Assert.Single(server.Hub.PlayRequests);
        Assert.Equal(("live/test", "rtmp", "xyz"), (request.StreamId, request.Protocol, request.Query["token"]));

        // The player leaves: the connection and its sink end without noise.
        await client.SendCommandAsync(1, "deleteStream", 4.0, null, 1.0);
        Assert.True(await client.WaitClosedAsync());
        await server.WhenConnectionsEndedAsync();
        Assert.Contains(server.Context.Logs.Entries, e => e.Message.StartsWith("RTMP play live/test", StringComparison.Ordinal) && e.Message.Contains("ended"));
        Assert.Empty(server.Warnings);
    }

    [Theory]
    [InlineData(DenyReason.BadRequest, "NetStream.Play.StreamNotFound")]
    [InlineData(DenyReason.Forbidden, "NetStream.Play.Failed")]
    public async Task A_denied_play_gets_an_error_status_then_close(DenyReason reason, string code)
    {
        await using var server = await RtmpTestServer.StartAsync();
        server.Hub.OnPlay = (request, _) => throw new StreamDeniedException(reason, "no such stream here");
        await using var client = await server.ConnectAsync();
        await client.ConnectAppAsync("live");

        await client.SendCommandAsync(1, "play", 3.0, null, "missing");
        var status = (await client.ReadUntilAsync(m => StatusCode(m) is not null)).Last();

        Assert.Equal(code, StatusCode(status));
        Assert.Equal("no such stream here", ((Amf0Object)Values(status)[3]!)["description"]);
        Assert.True(await client.WaitClosedAsync());
    }

    [Fact]
    public async Task Closing_the_sink_closes_the_player_connection()
    {
        await using var server = await RtmpTestServer.StartAsync();
        var attached = CaptureSink(server);
        await using var client = await server.ConnectAsync();
        await client.ConnectAppAsync("live");
        await client.SendCommandAsync(1, "play", 3.0, null, "test");
        await client.ReadUntilAsync(m => StatusCode(m) == "NetStream.Play.Start");

        var sink = await attached.Task.WaitAsync(Timeout, TestContext.Current.CancellationToken);
        sink.Close("kicked by the test");

        Assert.True(await client.WaitClosedAsync());
        await sink.Completion.WaitAsync(Timeout, TestContext.Current.CancellationToken);
        await server.WhenConnectionsEndedAsync();
        Assert.Contains(server.Context.Logs.Entries, e => e.Message.Contains("kicked by the test"));
    }

    [Fact]
    public async Task A_player_whose_stream_is_not_found_gets_StreamNotFound_then_close()
    {
        await using var server = await RtmpTestServer.StartAsync();
        var attached = CaptureSink(server);
        await using var client = await server.ConnectAsync();
        await client.ConnectAppAsync("live");
        await client.SendCommandAsync(1, "play", 3.0, null, "nobody");
        await client.ReadUntilAsync(m => StatusCode(m) == "NetStream.Play.Start");

        // What the host does when the stream does not start within wait_timeout.
        var sink = await attached.Task.WaitAsync(Timeout, TestContext.Current.CancellationToken);
        sink.Close(SinkCloseCause.NotFound, "the stream was not published within 2 s");

        var status = (await client.ReadUntilAsync(m => StatusCode(m) is not null)).Last();
        Assert.Equal("NetStream.Play.StreamNotFound", StatusCode(status));
        var info = (Amf0Object)Values(status)[3]!;
        Assert.Equal("error", info["level"]);
        Assert.Equal("live/nobody: the stream was not published within 2 s", info["description"]);
        Assert.True(await client.WaitClosedAsync());
        await server.WhenConnectionsEndedAsync();
        Assert.Single(server.Context.Logs.Entries, e => e.Message.Contains("refused with NetStream.Play.StreamNotFound", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("publish", "NetStream.Publish.BadName")]
    [InlineData("play", "NetStream.Play.StreamNotFound")]
    public async Task An_empty_stream_name_is_refused_and_logged(string command, string code)
    {
        await using var server = await RtmpTestServer.StartAsync();
        await using var client = await server.ConnectAsync();
        await client.ConnectAppAsync("live");

        await client.SendCommandAsync(1, command, 3.0, null, "");
        var status = (await client.ReadUntilAsync(m => StatusCode(m) is not null)).Last();

        Assert.Equal(code, StatusCode(status));
        Assert.True(await client.WaitClosedAsync());
        await server.WhenConnectionsEndedAsync();
        Assert.Single(server.Context.Logs.Entries, e => e.Message.Contains($"refused with {code}: invalid stream name ''", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Stopping_the_plugin_stops_accepting_but_live_sessions_go_on()
    {
        await using var server = await RtmpTestServer.StartAsync();
        await using var live = await PublishAsync(server, "stay");
        await live.ReadUntilAsync(m => StatusCode(m) == "NetStream.Publish.Start");

        await server.Plugin.StopAsync(CancellationToken.None);

        await Assert.ThrowsAnyAsync<System.Net.Sockets.SocketException>(() => server.ConnectAsync());
        await live.SendCommandAsync(0, "createStream", 9.0, null);
        var reply = (await live.ReadUntilAsync(m => IsCommand(m, "_result"))).Last();
        Assert.Equal(9.0, Values(reply)[1]);
    }

    /// <summary>The sink of the next play the hub accepts (nothing to detach when it ends).</summary>
    private static TaskCompletionSource<ISink> CaptureSink(RtmpTestServer server)
    {
        var attached = new TaskCompletionSource<ISink>();
        server.Hub.OnPlay = (request, sink) =>
        {
            attached.SetResult(sink);
            return ValueTask.FromResult<IAsyncDisposable>(new NothingToDispose());
        };
        return attached;
    }

    private sealed class NothingToDispose : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
