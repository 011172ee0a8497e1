namespace Lkm.Sdk.Plugins;

/// <summary>
/// Entry point of a protocol plugin. The host finds the one public, non-abstract implementation in
/// the plugin assembly and creates it with its parameterless constructor.
/// </summary>
/// <remarks>
/// A plugin's life has two steps so a bad config is refused before anything binds. First the host
/// loads every plugin and calls <see cref="Configure"/> on each; it gathers the errors of all plugin
/// sections with those of its own sections and <c>--set</c>, and exits (code 2) listing them all if
/// there are any. Only then is <see cref="StartAsync"/> called on each plugin, and Kestrel binds.
/// </remarks>
public interface IProtocolPlugin
{
    /// <summary>Name of the plugin and of its section under <c>plugins:</c> in lkm.yaml (e.g. <c>rtmp</c>).</summary>
    string Name { get; }

    /// <summary>
    /// Reads and checks the plugin's options from its section and keeps them for <see cref="StartAsync"/>.
    /// Called once, before any plugin starts. No side effects (no sockets, no files, no registrations):
    /// bad values are reported through <paramref name="config"/>, not thrown.
    /// </summary>
    void Configure(IPluginConfig config);

    /// <summary>Registers listeners, HTTP endpoints and trans stream factories through <paramref name="context"/>, with the options read by <see cref="Configure"/>.</summary>
    Task StartAsync(IPluginContext context, CancellationToken cancellationToken);

    /// <summary>Stops accepting new sessions; sessions already running go on until they end.</summary>
    Task StopAsync(CancellationToken cancellationToken);
}
