using System.Net;

namespace Lkm.Sdk.Plugins;

/// <summary>
/// One call of a plugin's API: its parameters merged from the query string and the body (a JSON object's
/// top-level values, or a form), as the host's own API reads them. The host has already checked the API token
/// and bounded the body.
/// </summary>
public sealed class PluginApiRequest
{
    private readonly IReadOnlyDictionary<string, string> _parameters;

    /// <summary>A request with <paramref name="parameters"/> (values as text: JSON numbers and booleans as written).</summary>
    public PluginApiRequest(string path, string method, IReadOnlyDictionary<string, string> parameters, EndPoint? remoteEndPoint)
    {
        Path = path;
        Method = method;
        _parameters = parameters;
        RemoteEndPoint = remoteEndPoint;
    }

    /// <summary>The path under the plugin's prefix, e.g. <c>source/create</c> for <c>/api/v1/gb28181/source/create</c>.</summary>
    public string Path { get; }

    /// <summary><c>GET</c> or <c>POST</c>.</summary>
    public string Method { get; }

    /// <summary>Who called.</summary>
    public EndPoint? RemoteEndPoint { get; }

    /// <summary>Every parameter by name (case-insensitive).</summary>
    public IReadOnlyDictionary<string, string> Parameters => _parameters;

    /// <summary>A parameter's value; null when absent or empty.</summary>
    public string? Get(string name) => _parameters.TryGetValue(name, out var value) && value.Length > 0 ? value : null;

    /// <summary>A parameter's value; a 400 answer naming it when absent or empty.</summary>
    public string Require(string name) => Get(name) ?? throw new PluginApiException(400, $"missing parameter '{name}'");
}
