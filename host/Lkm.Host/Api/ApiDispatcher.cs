using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Lkm.Host.Api;

/// <summary>
/// Routes <c>/api/...</c> calls to their handlers by exact path, for GET and POST alike (LKM's clients
/// use both), reading the parameters first and turning <see cref="ApiException"/> into the error envelope.
/// </summary>
public sealed partial class ApiDispatcher(ILogger logger, PluginApiRouter? plugins = null)
{
    public const string Prefix = "/api/";

    private readonly Dictionary<string, Func<HttpContext, ApiParameters, Task>> _handlers = new(StringComparer.OrdinalIgnoreCase);

    public void Add(string path, Func<HttpContext, ApiParameters, Task> handler) => _handlers.Add(path.TrimEnd('/'), handler);

    public IReadOnlyCollection<string> Paths => _handlers.Keys;

    public async Task HandleAsync(HttpContext context)
    {
        string path = (context.Request.Path.Value ?? "").TrimEnd('/');
        try
        {
            _handlers.TryGetValue(path, out var handler);
            if (handler is null && plugins?.Serves(path) != true)
            {
                throw new ApiException(StatusCodes.Status404NotFound, $"no API call '{path}'");
            }

            if (!HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsPost(context.Request.Method))
            {
                context.Response.Headers.Allow = "GET, POST";
                throw new ApiException(StatusCodes.Status405MethodNotAllowed, $"{context.Request.Method} is not supported: use GET or POST");
            }

            var parameters = await ApiParameters.ReadAsync(context.Request, context.RequestAborted).ConfigureAwait(false);
            if (handler is not null)
            {
                await handler(context, parameters).ConfigureAwait(false);
            }
            else if (!await plugins!.TryHandleAsync(path, context, parameters).ConfigureAwait(false))
            {
                // Unmapped meanwhile (its plugin was removed).
                throw new ApiException(StatusCodes.Status404NotFound, $"no API call '{path}'");
            }
        }
        catch (ApiException ex) when (!context.Response.HasStarted)
        {
            Log.Refused(logger, context.Request.Method, path, context.Connection.RemoteIpAddress?.ToString() ?? "?", ex.Status, ex.Message);
            await ApiResponse.ErrorAsync(context, ex.Status, ex.Message).ConfigureAwait(false);
        }
        catch (TimeoutException) when (!context.Response.HasStarted)
        {
            await ApiResponse.ErrorAsync(context, StatusCodes.Status503ServiceUnavailable, "the stream did not answer in time").ConfigureAwait(false);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Debug, "API {Method} {Path} from {Peer} refused ({Status}): {Message}")]
        public static partial void Refused(ILogger logger, string method, string path, string peer, int status, string message);
    }
}
