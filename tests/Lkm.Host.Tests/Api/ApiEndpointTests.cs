using System.Net;
using System.Text;
using System.Text.Json;
using Lkm.Host.Tests.Streaming;
using Lkm.Sdk.Streaming;

namespace Lkm.Host.Tests.Api;

/// <summary>The LKM-compatible calls over real HTTP against the host's pipeline and a real StreamHub.</summary>
public sealed class ApiEndpointTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<(IPublisher Publisher, RecordingSink Sink, IAsyncDisposable Handle)> PublishAndPlayAsync(ApiTestServer server, string id)
    {
        var publisher = await server.Hub.PublishAsync(new PublishRequest { StreamId = id, Protocol = "rtmp", RemoteEndPoint = new IPEndPoint(IPAddress.Loopback, 5000) }, Ct);
        int v = publisher.AddTrack(Media.Video);
        publisher.AddTrack(Media.Audio);
        publisher.TracksComplete();
        Media.WriteFrame(publisher, v, 0, key: true);
        var sink = new RecordingSink();
        var handle = await server.Hub.PlayAsync(new PlayRequest { StreamId = id, Protocol = "test" }, sink, Ct);
        await Media.EventuallyAsync(() => sink.Received.Count > 0, "the player gets the stream");
        return (publisher, sink, handle);
    }

    [Fact]
    public async Task Source_list_shows_a_published_stream_with_its_tracks_and_players()
    {
        await using var server = await ApiTestServer.StartAsync();
        var (publisher, _, handle) = await PublishAndPlayAsync(server, "live/list");

        var (status, body) = await server.GetAsync("/api/v1/source/list");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(200, body.GetProperty("code").GetInt32());
        Assert.Equal("ok", body.GetProperty("msg").GetString());
        var row = Assert.Single(body.GetProperty("data").EnumerateArray());
        Assert.Equal("live/list", row.GetProperty("id").GetString());
        Assert.Equal("rtmp", row.GetProperty("protocol").GetString());
        Assert.Equal(1, row.GetProperty("sink_count").GetInt32());
        Assert.Equal(["h264", "aac"], row.GetProperty("tracks").EnumerateArray().Select(t => t.GetString()));
        Assert.Matches(@"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$", row.GetProperty("time").GetString());
        Assert.Equal("127.0.0.1:5000", row.GetProperty("publisher").GetString());
        var video = row.GetProperty("track_details")[0];
        Assert.Equal(640, video.GetProperty("width").GetInt32());
        Assert.Equal(360, video.GetProperty("height").GetInt32());
        await handle.DisposeAsync();
        await publisher.DisposeAsync();
    }

    [Fact]
    public async Task Sink_list_takes_the_source_from_the_query_a_json_body_or_a_form()
    {
        await using var server = await ApiTestServer.StartAsync();
        var (publisher, sink, handle) = await PublishAndPlayAsync(server, "live/sinks");

        var byQuery = await server.GetAsync("/api/v1/sink/list?source=live/sinks");
        var byJson = await server.CallAsync(HttpMethod.Post, "/api/v1/sink/list", new StringContent("{\"source\":\"live/sinks\"}", Encoding.UTF8, "application/json"));
        var byForm = await server.CallAsync(HttpMethod.Post, "/api/v1/sink/list", new FormUrlEncodedContent([new("source", "live/sinks")]));
        // curl -d '{...}' labels JSON as a form: still read as JSON.
        var byMislabelled = await server.CallAsync(HttpMethod.Post, "/api/v1/sink/list", new StringContent("{\"source\":\"live/sinks\"}", Encoding.UTF8, "application/x-www-form-urlencoded"));

        foreach (var (status, body) in new[] { byQuery, byJson, byForm, byMislabelled })
        {
            Assert.Equal(HttpStatusCode.OK, status);
            var row = Assert.Single(body.GetProperty("data").EnumerateArray());
            Assert.Equal(sink.Id, row.GetProperty("id").GetString());
            Assert.Equal("test", row.GetProperty("protocol").GetString());
            Assert.Equal("live/sinks", row.GetProperty("source").GetString());
        }

        await handle.DisposeAsync();
        await publisher.DisposeAsync();
    }

    [Fact]
    public async Task Sink_close_disconnects_the_player_and_source_close_ends_the_stream()
    {
        await using var server = await ApiTestServer.StartAsync();
        var (publisher, sink, handle) = await PublishAndPlayAsync(server, "live/close");

        var (status, body) = await server.CallAsync(HttpMethod.Post, "/api/v1/sink/close", JsonBody(new { source = "live/close", sink = sink.Id }));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(200, body.GetProperty("code").GetInt32());
        await sink.Completion.WaitAsync(TimeSpan.FromSeconds(5), Ct);
        await Media.EventuallyAsync(() => server.Hub.DescribeAsync("live/close").Result?.Players == 0, "the player is gone");

        var again = await server.CallAsync(HttpMethod.Post, "/api/v1/sink/close", JsonBody(new { source = "live/close", sink = sink.Id }));
        Assert.Equal(HttpStatusCode.NotFound, again.Status);
        Assert.Equal(-1, again.Body.GetProperty("code").GetInt32());

        (status, _) = await server.GetAsync("/api/v1/source/close?source=live/close");
        Assert.Equal(HttpStatusCode.OK, status);
        // The publisher is told to go (its plugin then disconnects it, which ends the stream).
        Assert.True(publisher.Closed.IsCancellationRequested);
        await publisher.DisposeAsync();
        await Media.EventuallyAsync(() => !server.Hub.StreamIds.Contains("live/close"), "the stream is removed");
        var (_, list) = await server.GetAsync("/api/v1/source/list");
        Assert.Empty(list.GetProperty("data").EnumerateArray());
        await handle.DisposeAsync();
        await publisher.DisposeAsync();
    }

    [Theory]
    [InlineData("GET", "/api/v1/source/close", null, HttpStatusCode.BadRequest, "missing parameter 'source'")]
    [InlineData("GET", "/api/v1/source/close?source=nope", null, HttpStatusCode.NotFound, "no stream 'nope'")]
    [InlineData("GET", "/api/v1/sink/list?source=nope", null, HttpStatusCode.NotFound, "no stream 'nope'")]
    [InlineData("POST", "/api/v1/sink/close", "{\"source\":\"a\"}", HttpStatusCode.BadRequest, "missing parameter 'sink'")]
    [InlineData("POST", "/api/v1/sink/list", "{\"source\":", HttpStatusCode.BadRequest, "the body is not valid JSON")]
    [InlineData("POST", "/api/v1/sink/list", "[1,2]", HttpStatusCode.BadRequest, "the body must be a JSON object")]
    [InlineData("POST", "/api/v1/sink/list", "{\"source\":{\"a\":1}}", HttpStatusCode.BadRequest, "parameter 'source' must be a string or a number")]
    [InlineData("GET", "/api/v1/nothing", null, HttpStatusCode.NotFound, "no API call '/api/v1/nothing'")]
    [InlineData("PUT", "/api/v1/source/list", null, HttpStatusCode.MethodNotAllowed, "PUT is not supported: use GET or POST")]
    public async Task Bad_calls_get_code_minus_one_and_a_fitting_status(string method, string path, string? body, HttpStatusCode expected, string message)
    {
        await using var server = await ApiTestServer.StartAsync();

        var (status, json) = await server.CallAsync(new HttpMethod(method), path, body is null ? null : new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(expected, status);
        Assert.Equal(-1, json.GetProperty("code").GetInt32());
        Assert.StartsWith(message, json.GetProperty("msg").GetString());
        Assert.False(json.TryGetProperty("data", out _));
    }

    [Fact]
    public async Task A_body_over_64_KB_is_refused_with_413()
    {
        await using var server = await ApiTestServer.StartAsync();
        string big = "{\"source\":\"" + new string('x', 70 * 1024) + "\"}";

        var sized = await server.CallAsync(HttpMethod.Post, "/api/v1/sink/list", new StringContent(big, Encoding.UTF8, "application/json"));
        // Without Content-Length (chunked) the limit holds too.
        var chunked = await server.CallAsync(HttpMethod.Post, "/api/v1/sink/list", new StreamContent(new UnseekableStream(Encoding.UTF8.GetBytes(big))));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, sized.Status);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, chunked.Status);
        Assert.Equal(-1, chunked.Body.GetProperty("code").GetInt32());
    }

    [Fact]
    public async Task Statistics_sum_the_streams_and_list_each_with_players_by_protocol()
    {
        await using var server = await ApiTestServer.StartAsync();
        var (p1, _, h1) = await PublishAndPlayAsync(server, "live/s1");
        var (p2, _, h2) = await PublishAndPlayAsync(server, "live/s2");

        var (status, body) = await server.GetAsync("/api/v1/streams/statistics");

        Assert.Equal(HttpStatusCode.OK, status);
        var data = body.GetProperty("data");
        Assert.Equal(2, data.GetProperty("streams").GetInt32());
        Assert.Equal(2, data.GetProperty("publishers").GetInt32());
        Assert.Equal(2, data.GetProperty("players").GetInt32());
        Assert.Equal(2, data.GetProperty("players_by_protocol").GetProperty("test").GetInt32());
        var items = data.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(["live/s1", "live/s2"], items.Select(i => i.GetProperty("id").GetString()));
        Assert.All(items, i => Assert.True(i.GetProperty("bytes_in").GetInt64() > 0));
        Assert.All(items, i => Assert.Equal(0, i.GetProperty("dropped_players").GetInt64()));
        Assert.All(items, i => Assert.Equal("h264", i.GetProperty("tracks")[0].GetProperty("codec").GetString()));
        await h1.DisposeAsync();
        await h2.DisposeAsync();
        await p1.DisposeAsync();
        await p2.DisposeAsync();
    }

    [Fact]
    public async Task Server_info_and_plugins_answer()
    {
        await using var server = await ApiTestServer.StartAsync("server:\n  http: 18080\n");

        var (status, info) = await server.GetAsync("/api/v1/server/info");
        var (pluginStatus, plugins) = await server.GetAsync("/api/v1/plugins");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("/tmp/api-test.yaml", info.GetProperty("data").GetProperty("config_file").GetString());
        Assert.Equal(18080, info.GetProperty("data").GetProperty("http_port").GetInt32());
        Assert.False(info.GetProperty("data").GetProperty("auth_required").GetBoolean());
        Assert.Contains(info.GetProperty("data").GetProperty("listeners").EnumerateArray(), l => l.GetProperty("name").GetString() == "http");
        Assert.Equal(HttpStatusCode.OK, pluginStatus);
        Assert.Equal(JsonValueKind.Array, plugins.GetProperty("data").ValueKind);
    }

    [Fact]
    public async Task With_a_token_every_api_call_and_metrics_need_the_bearer_header()
    {
        await using var server = await ApiTestServer.StartAsync("api:\n  token: s3cret\n");

        var none = await server.GetAsync("/api/v1/source/list");
        var wrong = await server.GetAsync("/api/v1/source/list", token: "s3cre");
        var right = await server.GetAsync("/api/v1/source/list", token: "s3cret");
        using var metricsWithout = await server.Client.GetAsync("/metrics", Ct);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        request.Headers.Authorization = new("Bearer", "s3cret");
        using var metricsWith = await server.Client.SendAsync(request, Ct);
        // The console page itself is static: it asks for the token and sends it on its API calls.
        using var console = await server.Client.GetAsync("/", Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, none.Status);
        Assert.Equal(-1, none.Body.GetProperty("code").GetInt32());
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.Status);
        Assert.Equal(HttpStatusCode.OK, right.Status);
        Assert.Equal(HttpStatusCode.Unauthorized, metricsWithout.StatusCode);
        Assert.Equal(HttpStatusCode.OK, metricsWith.StatusCode);
        Assert.Equal(HttpStatusCode.OK, console.StatusCode);
    }

    private static StringContent JsonBody<T>(T value) => new(JsonSerializer.Serialize(value), Encoding.UTF8, "application/json");

    /// <summary>Makes HttpClient send a chunked body (no Content-Length).</summary>
    private sealed class UnseekableStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;
    }
}
