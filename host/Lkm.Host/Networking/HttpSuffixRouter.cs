using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http;

namespace Lkm.Host.Networking;

/// <summary>
/// Routes HTTP requests to plugins by path suffix (<c>.flv</c>, <c>.m3u8</c>...), so stream ids with
/// any number of '/' work without per-plugin route templates.
/// </summary>
public sealed class HttpSuffixRouter
{
    private readonly ConcurrentDictionary<string, Func<HttpContext, string, Task>> _handlers = new(StringComparer.OrdinalIgnoreCase);

    public void Map(string suffix, Func<HttpContext, string, Task> handler)
    {
        if (!suffix.StartsWith('.'))
        {
            throw new ArgumentException("a path suffix starts with '.'", nameof(suffix));
        }

        _handlers[suffix] = handler;
    }

    public void Unmap(string suffix, Func<HttpContext, string, Task> handler) =>
        _handlers.TryRemove(new KeyValuePair<string, Func<HttpContext, string, Task>>(suffix, handler));

    public IReadOnlyCollection<string> Suffixes => _handlers.Keys.ToList();

    /// <summary>Runs the handler for the request's path; false when no plugin claims it.</summary>
    public async Task<bool> TryHandleAsync(HttpContext context)
    {
        string path = context.Request.Path.Value ?? "";
        int dot = path.LastIndexOf('.');
        if (dot < 0 || path.IndexOf('/', dot) >= 0)
        {
            return false;
        }

        if (!_handlers.TryGetValue(path[dot..], out var handler))
        {
            return false;
        }

        await handler(context, path.TrimStart('/')).ConfigureAwait(false);
        return true;
    }
}
