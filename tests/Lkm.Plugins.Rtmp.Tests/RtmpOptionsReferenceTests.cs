using Lkm.Sdk.Testing;
using Lkm.Testing;

namespace Lkm.Plugins.Rtmp.Tests;

/// <summary>
/// The plugin's defaults live in <see cref="RtmpOptions"/>; README's rows and the shipped lkm.yaml
/// must name every key it reads with the default it reads it with.
/// </summary>
public sealed class RtmpOptionsReferenceTests
{
    [Fact]
    public void Reading_an_empty_section_gives_the_defaults()
    {
        var read = new TestPluginConfig();
        Assert.Equal(RtmpOptions.Default, RtmpOptions.FromConfig(read));
        Assert.NotEmpty(read.DefaultsRead);
        Assert.Empty(read.Errors);
    }

    [Fact]
    public void Readme_and_shipped_config_state_every_key_with_its_default()
    {
        var read = new TestPluginConfig();
        RtmpOptions.FromConfig(read);
        PluginConfigReference.AssertDocumented("rtmp", read.DefaultsRead);
    }
}
