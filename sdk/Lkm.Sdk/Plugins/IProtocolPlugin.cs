namespace Lkm.Sdk.Plugins;

/// <summary>
/// Entry point of a protocol plugin. The host finds the one public, non-abstract implementation in
/// the plugin assembly and creates it with its parameterless constructor.
/// </summary>
public interface IProtocolPlugin
{
    /// <summary>Name of the plugin and of its section under <c>plugins:</c> in lkm.yaml (e.g. <c>rtmp</c>).</summary>
    string Name { get; }

    /// <summary>Registers listeners, HTTP endpoints and trans stream factories through <paramref name="context"/>.</summary>
    Task StartAsync(IPluginContext context, CancellationToken cancellationToken);

    /// <summary>Stops accepting new sessions; sessions already running go on until they end.</summary>
    Task StopAsync(CancellationToken cancellationToken);
}
