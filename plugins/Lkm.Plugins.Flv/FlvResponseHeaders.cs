using Microsoft.AspNetCore.Http;

namespace Lkm.Plugins.Flv;

/// <summary>The status and headers of an HTTP-FLV stream, whichever way its bytes are written.</summary>
internal static class FlvResponseHeaders
{
    public const string ContentType = "video/x-flv";

    public static void Apply(HttpResponse response)
    {
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = ContentType;
        response.Headers.CacheControl = "no-cache";
    }
}
