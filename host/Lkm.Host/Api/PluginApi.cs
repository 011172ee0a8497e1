using System.Globalization;
using Lkm.Host.Plugins;
using Microsoft.AspNetCore.Http;

namespace Lkm.Host.Api;

/// <summary>
/// <c>GET /api/v1/plugins</c>: every loaded version of every plugin, its state and the sessions running on it;
/// <c>POST /api/v1/plugins/reload {name}</c>: loads the plugin again from its folder and swaps it in.
/// </summary>
public sealed class PluginApi(ApiServices services)
{
    public void Register(ApiDispatcher dispatcher)
    {
        dispatcher.Add("/api/v1/plugins", ListAsync);
        dispatcher.Add("/api/v1/plugins/reload", ReloadAsync);
    }

    private async Task ListAsync(HttpContext context, ApiParameters parameters)
    {
        var registry = services.PluginRegistry;
        IReadOnlyList<PluginDto> rows = services.Plugins.Select(p => ToPlugin(p, registry)).ToList();
        await ApiResponse.OkAsync(context, rows, ApiJsonContext.Default.IReadOnlyListPluginDto).ConfigureAwait(false);
    }

    private async Task ReloadAsync(HttpContext context, ApiParameters parameters)
    {
        if (!HttpMethods.IsPost(context.Request.Method))
        {
            throw new ApiException(StatusCodes.Status405MethodNotAllowed, "reload with POST");
        }

        string name = parameters.Require("name");
        var result = await services.PluginRegistry.ReloadAsync(name, context.RequestAborted).ConfigureAwait(false)
            ?? throw new ApiException(StatusCodes.Status404NotFound, $"no plugin named '{name}' was loaded");
        if (result.State == PluginState.Failed)
        {
            // The reload was refused; the version before keeps serving.
            throw new ApiException(StatusCodes.Status422UnprocessableEntity, $"plugin '{name}' refused: {result.Reason}");
        }

        await ApiResponse.OkAsync(context, ToPlugin(result, services.PluginRegistry), ApiJsonContext.Default.PluginDto).ConfigureAwait(false);
    }

    public static PluginDto ToPlugin(LoadedPlugin plugin, IPluginRegistry registry) => new()
    {
        Name = plugin.Name,
        Version = plugin.Version?.ToString() ?? "",
        Generation = plugin.Generation,
        AssemblyPath = plugin.AssemblyPath,
        State = plugin.State.ToString().ToLowerInvariant(),
        Reason = plugin.Reason,
        LoadedAt = plugin.LoadedAt.ToString("O", CultureInfo.InvariantCulture),
        UnloadedAt = plugin.UnloadedAt?.ToString("O", CultureInfo.InvariantCulture),
        Collected = plugin.State == PluginState.Unloaded ? plugin.IsCollected : null,
        LiveSessions = plugin.LiveSessions,
        LiveMuxers = plugin.LiveTransStreams,
        PortPools = plugin.State == PluginState.Running
            ? registry.PortPoolsOf(plugin.Name).Select(p => new PortPoolDto(p.Name, p.First, p.Last, p.InUse, p.Rented)).ToList()
            : [],
        Listeners = (plugin.Context?.Listeners ?? []).Select(l => new ListenerDto(l.Name, l.EndPoint.Address.ToString(), l.EndPoint.Port, l.Transport)).ToList(),
    };
}
