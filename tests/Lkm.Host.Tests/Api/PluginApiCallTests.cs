using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Lkm.Host.Api;
using Lkm.Host.Routing;
using Lkm.Sdk.Plugins;

namespace Lkm.Host.Tests.Api;

/// <summary>
/// API calls a plugin contributes, served by the host's pipeline on a real port: under <c>/api/v1/&lt;plugin&gt;/</c>,
/// with the host's parameter reading, envelope, errors and token check; and the play URL templates in server info.
/// </summary>
public sealed class PluginApiCallTests
{
    [Fact]
    public async Task A_plugin_call_gets_the_parameters_and_answers_in_the_hosts_envelope()
    {
        var apis = new PluginApiRouter();
        PluginApiRequest? seen = null;
        apis.Map(PluginApiRouter.FullPath("gb28181", "source/create"), (request, _) =>
        {
            seen = request;
            if (request.Get("setup") is "bogus")
            {
                throw new PluginApiException(400, "setup must be udp, passive or active");
            }

            return ValueTask.FromResult<JsonNode?>(new JsonObject { ["port"] = 50000, ["source"] = request.Require("source") });
        });
        await using var server = await ApiTestServer.StartAsync(pluginApis: apis);

        var (status, body) = await server.CallAsync(HttpMethod.Post, "/api/v1/gb28181/source/create?setup=udp",
            new StringContent("""{"source":"34020000001320000001/1","ssrc":123456}""", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(200, body.GetProperty("code").GetInt32());
        Assert.Equal(50000, body.GetProperty("data").GetProperty("port").GetInt32());
        Assert.Equal("34020000001320000001/1", body.GetProperty("data").GetProperty("source").GetString());
        Assert.NotNull(seen);
        Assert.Equal("source/create", seen.Path);
        Assert.Equal("POST", seen.Method);
        Assert.Equal("udp", seen.Get("setup"));
        Assert.Equal("123456", seen.Get("ssrc"));

        (status, body) = await server.CallAsync(HttpMethod.Post, "/api/v1/gb28181/source/create",
            new StringContent("""{"source":"x","setup":"bogus"}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("setup must be udp, passive or active", body.GetProperty("msg").GetString());

        (status, body) = await server.CallAsync(HttpMethod.Post, "/api/v1/gb28181/source/create", new StringContent("{}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("missing parameter 'source'", body.GetProperty("msg").GetString());

        (status, _) = await server.GetAsync("/api/v1/gb28181/source/nothing");
        Assert.Equal(HttpStatusCode.NotFound, status);
    }

    [Fact]
    public async Task A_plugin_call_needs_the_api_token_like_the_hosts_own()
    {
        var apis = new PluginApiRouter();
        apis.Map(PluginApiRouter.FullPath("demo", "ping"), (_, _) => ValueTask.FromResult<JsonNode?>(JsonValue.Create("pong")));
        await using var server = await ApiTestServer.StartAsync("api:\n  token: s3cret\n", apis);

        var (status, _) = await server.GetAsync("/api/v1/demo/ping");
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        var (ok, body) = await server.GetAsync("/api/v1/demo/ping", token: "s3cret");
        Assert.Equal(HttpStatusCode.OK, ok);
        Assert.Equal("pong", body.GetProperty("data").GetString());
    }

    [Fact]
    public async Task Server_info_lists_the_play_url_of_every_egress_with_the_http_port_filled_in()
    {
        var urls = new PlayUrlTemplates();
        urls.Add(new PlayUrlTemplate("RTMP", "rtmp://{host}:1935/{id}"));
        urls.Add(new PlayUrlTemplate("HTTP-FLV", "http://{host}:{http_port}/{id}.flv"));
        await using var server = await ApiTestServer.StartAsync("server:\n  http: 8088\n", playUrls: urls);

        var (_, body) = await server.GetAsync("/api/v1/server/info");

        var rows = body.GetProperty("data").GetProperty("play_urls").EnumerateArray().Select(u => (u.GetProperty("name").GetString(), u.GetProperty("template").GetString()));
        Assert.Equal([("RTMP", "rtmp://{host}:1935/{id}"), ("HTTP-FLV", "http://{host}:8088/{id}.flv")], rows);
        Assert.Equal([("RTMP", "rtmp://example.org:1935/live/a"), ("HTTP-FLV", "http://example.org:8088/live/a.flv")], urls.For("live/a", "example.org", 8088));
    }
}
