using Lkm.Sdk.Plugins;

namespace Lkm.Plugins.Flv;

/// <summary>The <c>plugins: { flv: {...} }</c> section of lkm.yaml.</summary>
internal sealed record FlvPluginOptions
{
    /// <summary>The defaults: the initializers below, the one place they are written.</summary>
    public static readonly FlvPluginOptions Default = new();

    /// <summary>Send CORS headers and answer preflight requests, so browser players (flv.js, mpegts.js) on other origins can play.</summary>
    public bool Cors { get; init; } = true;

    /// <summary>Value of <c>Access-Control-Allow-Origin</c>.</summary>
    public string AllowOrigin { get; init; } = "*";

    /// <summary>
    /// Write players straight to their sockets once Kestrel parsed the request (no copy per player); false writes
    /// through Kestrel's response pipe and WebSocket (a copy per player per write). TLS and HTTP/2 always use Kestrel's.
    /// </summary>
    public bool DirectSend { get; init; } = true;

    public static FlvPluginOptions From(IPluginConfig config) => new()
    {
        Cors = config.GetBool("cors", Default.Cors),
        DirectSend = config.GetBool("direct_send", Default.DirectSend),

        // An empty or unprintable origin would make a broken header: the default applies instead.
        AllowOrigin = config.GetString("allow_origin", Default.AllowOrigin) is { Length: > 0 } origin && !origin.Any(char.IsControl) ? origin.Trim() : Default.AllowOrigin,
    };
}
