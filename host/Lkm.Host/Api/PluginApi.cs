using Lkm.Host.Plugins;
using Lkm.Host.Streaming;
using Microsoft.AspNetCore.Http;

namespace Lkm.Host.Api;

/// <summary><c>GET /api/v1/plugins</c>: what is loaded, from where, in which state, with how many live sessions.</summary>
public sealed class PluginApi(ApiServices services)
{
    public void Register(ApiDispatcher dispatcher) => dispatcher.Add("/api/v1/plugins", ListAsync);

    private async Task ListAsync(HttpContext context, ApiParameters parameters)
    {
        var infos = await services.Streams.DescribeAllAsync().ConfigureAwait(false);
        IReadOnlyList<PluginDto> rows = services.Plugins.Select(p => ToPlugin(p, infos)).ToList();
        await ApiResponse.OkAsync(context, rows, ApiJsonContext.Default.IReadOnlyListPluginDto).ConfigureAwait(false);
    }

    public static PluginDto ToPlugin(LoadedPlugin plugin, IReadOnlyList<SourceInfo> infos) => new()
    {
        Name = plugin.Name,
        Version = plugin.Version?.ToString() ?? "",
        AssemblyPath = plugin.AssemblyPath,
        State = plugin.State.ToString().ToLowerInvariant(),
        LiveSessions = LiveSessions(plugin.Name, infos),
        Listeners = plugin.Context.Listeners.Select(l => new ListenerDto(l.Name, l.EndPoint.Address.ToString(), l.EndPoint.Port)).ToList(),
    };

    /// <summary>
    /// Publishers whose protocol is the plugin's name plus players of its protocols. A plugin's
    /// player protocols are its name and "&lt;transport&gt;-&lt;name&gt;" (the flv plugin serves "flv" and "ws-flv").
    /// </summary>
    public static int LiveSessions(string pluginName, IReadOnlyList<SourceInfo> infos)
    {
        int sessions = infos.Count(i => string.Equals(i.Protocol, pluginName, StringComparison.OrdinalIgnoreCase));
        foreach (var (protocol, count) in infos.SelectMany(i => i.PlayersByProtocol))
        {
            if (string.Equals(protocol, pluginName, StringComparison.OrdinalIgnoreCase)
                || protocol.EndsWith("-" + pluginName, StringComparison.OrdinalIgnoreCase))
            {
                sessions += count;
            }
        }

        return sessions;
    }
}
