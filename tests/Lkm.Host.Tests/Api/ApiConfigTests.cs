using Lkm.Host.Api;
using Lkm.Host.Configuration;

namespace Lkm.Host.Tests.Api;

public sealed class ApiConfigTests
{
    [Fact]
    public void The_api_section_defaults_to_no_token_on_the_http_port()
    {
        var config = ConfigLoader.Parse("", "lkm.yaml");

        Assert.Equal("", config.Api.Token);
        Assert.Equal("", config.Api.Listen);
        Assert.Null(ApiPipeline.SeparateEndPoint(config));
    }

    [Fact]
    public void Token_and_listen_are_read()
    {
        var config = ConfigLoader.Parse("api:\n  token: abc\n  listen: 127.0.0.1:8081\n", "lkm.yaml");

        Assert.Equal("abc", config.Api.Token);
        Assert.Equal("127.0.0.1:8081", ApiPipeline.SeparateEndPoint(config)?.ToString());
    }

    [Fact]
    public void A_listen_address_on_the_http_port_is_not_a_second_listener()
    {
        var config = ConfigLoader.Parse("server:\n  http: 8081\napi:\n  listen: 0.0.0.0:8081\n", "lkm.yaml");

        Assert.Null(ApiPipeline.SeparateEndPoint(config));
    }

    [Theory]
    [InlineData("api:\n  listen: localhost:8081\n", "'api.listen' must be address:port")]
    [InlineData("api:\n  listen: 8081\n", "'api.listen' must be address:port")]
    [InlineData("api:\n  listen: 127.0.0.1\n", "'api.listen' must be address:port")]
    [InlineData("api:\n  tokn: x\n", "unknown key 'api.tokn'")]
    public void Bad_api_settings_stop_the_server_with_a_positioned_message(string yaml, string message)
    {
        var ex = Assert.Throws<ConfigException>(() => ConfigLoader.Parse(yaml, "lkm.yaml"));

        Assert.Contains(message, ex.Message);
        Assert.Contains("lkm.yaml:", ex.Message);
    }

    [Fact]
    public void The_shipped_config_has_the_api_section_with_its_defaults()
    {
        string shipped = Path.Combine(FindRoot(), "lkm.yaml");
        var config = ConfigLoader.Load(shipped);

        Assert.Equal("", config.Api.Token);
        Assert.Equal("", config.Api.Listen);
        Assert.Contains("api:", File.ReadAllText(shipped));
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Plugins.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("no repository root above " + AppContext.BaseDirectory);
    }
}
