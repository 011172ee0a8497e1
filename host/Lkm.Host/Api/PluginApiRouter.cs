using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Lkm.Sdk.Plugins;
using Microsoft.AspNetCore.Http;

namespace Lkm.Host.Api;

/// <summary>
/// The API calls plugins contribute, by full path (<c>/api/v1/&lt;plugin&gt;/&lt;path&gt;</c>): the dispatcher asks
/// here for a path none of the host's own calls has. A newer version of a plugin replaces its calls; the older
/// version's removal leaves the newer ones in place.
/// </summary>
public sealed class PluginApiRouter
{
    private readonly ConcurrentDictionary<string, PluginApiHandler> _handlers = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The full path of a plugin's call.</summary>
    public static string FullPath(string plugin, string path) => $"{ApiDispatcher.Prefix}v1/{plugin}/{path.Trim('/')}";

    public void Map(string fullPath, PluginApiHandler handler) => _handlers[fullPath] = handler;

    public void Unmap(string fullPath, PluginApiHandler handler) =>
        _handlers.TryRemove(new KeyValuePair<string, PluginApiHandler>(fullPath, handler));

    public IReadOnlyCollection<string> Paths => _handlers.Keys.ToList();

    public bool Serves(string path) => _handlers.ContainsKey(path);

    /// <summary>Answers the call at <paramref name="path"/> if a plugin serves it; false otherwise.</summary>
    public async Task<bool> TryHandleAsync(string path, HttpContext context, ApiParameters parameters)
    {
        if (!_handlers.TryGetValue(path, out var handler))
        {
            return false;
        }

        string sub = path[(path.IndexOf('/', ApiDispatcher.Prefix.Length + 3) + 1)..];
        var request = new PluginApiRequest(sub, context.Request.Method, parameters.Values,
            context.Connection.RemoteIpAddress is { } ip ? new System.Net.IPEndPoint(ip, context.Connection.RemotePort) : null);
        JsonNode? data;
        try
        {
            data = await handler(request, context.RequestAborted).ConfigureAwait(false);
        }
        catch (PluginApiException ex)
        {
            throw new ApiException(ex.Status, ex.Message);
        }

        await ApiResponse.OkAsync(context, data, ApiJsonContext.Default.JsonNode).ConfigureAwait(false);
        return true;
    }
}
