using Lkm.Sdk.Testing;
using Lkm.Testing;

namespace Lkm.Plugins.Gb28181.Tests;

/// <summary>The plugin's defaults live in <see cref="Gb28181Options"/>; README's rows and the shipped lkm.yaml must say the same.</summary>
public sealed class Gb28181OptionsReferenceTests
{
    [Fact]
    public void Reading_an_empty_section_gives_the_defaults()
    {
        var read = new TestPluginConfig();
        Assert.Equal(Gb28181Options.Default, Gb28181Options.FromConfig(read));
        Assert.Empty(read.Errors);
    }

    [Fact]
    public void Readme_and_shipped_config_state_every_key_with_its_default()
    {
        var read = new TestPluginConfig();
        Gb28181Options.FromConfig(read);
        PluginConfigReference.AssertDocumented("gb28181", read.DefaultsRead);
    }

    [Theory]
    [InlineData("50000-60000", 50000, 60000)]
    [InlineData("30000", 30000, 30000)]
    [InlineData(" 40000 - 40010 ", 40000, 40010)]
    public void Port_is_a_range_or_one_shared_port(string text, int first, int last)
    {
        var options = Gb28181Options.FromConfig(new TestPluginConfig(new Dictionary<string, object> { ["port"] = text }));
        Assert.Equal((first, last, first == last), (options.FirstPort, options.LastPort, options.SinglePort));
    }

    [Theory]
    [InlineData("60000-50000")]
    [InlineData("0")]
    [InlineData("70000")]
    [InlineData("a-b")]
    [InlineData("1-2-3")]
    public void A_bad_port_is_reported_by_key(string text)
    {
        var config = new TestPluginConfig(new Dictionary<string, object> { ["port"] = text });
        var options = Gb28181Options.FromConfig(config);
        Assert.Contains(config.Errors, e => e.Contains("port", StringComparison.Ordinal));
        Assert.Equal((50000, 60000), (options.FirstPort, options.LastPort));
    }

    [Theory]
    [InlineData("udp", true, false)]
    [InlineData("TCP", false, true)]
    [InlineData("UDP|TCP", true, true)]
    [InlineData("udp,tcp", true, true)]
    public void Transport_reads_lkms_spelling_too(string text, bool udp, bool tcp)
    {
        var options = Gb28181Options.FromConfig(new TestPluginConfig(new Dictionary<string, object> { ["transport"] = text }));
        Assert.Equal((udp, tcp), (options.Udp, options.Tcp));
    }

    [Fact]
    public void An_unknown_transport_is_reported()
    {
        var config = new TestPluginConfig(new Dictionary<string, object> { ["transport"] = "sctp" });
        Gb28181Options.FromConfig(config);
        Assert.Contains(config.Errors, e => e.Contains("transport", StringComparison.Ordinal));
    }
}
