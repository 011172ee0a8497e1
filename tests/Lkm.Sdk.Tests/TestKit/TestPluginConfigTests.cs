using Lkm.Sdk.Plugins;
using Lkm.Sdk.Testing;

namespace Lkm.Sdk.Tests.TestKit;

/// <summary>The kit's config section keeps the host's contract: ranged reads gather errors and read as the default; unread keys are unknown.</summary>
public sealed class TestPluginConfigTests
{
    [Fact]
    public void Out_of_range_and_unconvertible_values_are_gathered_and_read_as_the_default()
    {
        var config = new TestPluginConfig(new Dictionary<string, object> { ["port"] = 70000, ["size"] = "big", ["wait"] = TimeSpan.Zero, ["on"] = true }, "demo");

        Assert.Equal(1935, config.GetInt("port", 1935, 0, 65535));
        Assert.Equal(10L, config.GetSize("size", 10));
        Assert.Equal(TimeSpan.FromSeconds(1), config.GetDuration("wait", TimeSpan.FromSeconds(1), min: TimeSpan.FromMilliseconds(1)));
        Assert.True(config.GetBool("on", false));

        Assert.Equal(
            [
                "'plugins.demo.port' must be an integer between 0 and 65535, not '70000'",
                "'plugins.demo.size' must be a size, not 'big'",
                "'plugins.demo.wait' must be a duration of at least 1ms, not '0'",
            ],
            config.Errors);
        Assert.Equal(new Dictionary<string, object?> { ["port"] = 1935, ["size"] = 10L, ["wait"] = TimeSpan.FromSeconds(1), ["on"] = false }, config.DefaultsRead);
    }

    [Fact]
    public async Task Starting_a_plugin_configures_it_first_and_refuses_a_bad_or_unknown_key_before_it_starts()
    {
        await using var context = new TestPluginContext(new TestHub(), new Dictionary<string, object> { ["port"] = -1, ["prot"] = 1 }, "demo");
        var plugin = new DemoPlugin();

        var ex = await Assert.ThrowsAsync<ArgumentException>(() => context.StartAsync(plugin, TestContext.Current.CancellationToken));

        Assert.Equal("'plugins.demo.port' must be an integer between 0 and 65535, not '-1'\nunknown key 'plugins.demo.prot'", ex.Message);
        Assert.Equal(1935, plugin.Port);
        Assert.False(plugin.Started);
    }

    private sealed class DemoPlugin : IProtocolPlugin
    {
        public string Name => "demo";

        public int Port { get; private set; }

        public bool Started { get; private set; }

        public void Configure(IPluginConfig config) => Port = config.GetInt("port", 1935, 0, 65535);

        public Task StartAsync(IPluginContext context, CancellationToken cancellationToken)
        {
            Started = true;
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
