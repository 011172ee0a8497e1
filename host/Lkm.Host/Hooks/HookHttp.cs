using System.Net.Http.Headers;
using System.Text;
using Jint;
using Jint.Native;

namespace Lkm.Host.Hooks;

/// <summary>A request a script made through <c>http.*</c>, captured on the engine thread as plain CLR data.</summary>
internal sealed record HookHttpRequest(string Method, string Url, string? Body, List<KeyValuePair<string, string>>? Headers, TimeSpan Timeout, string? ContentType);

/// <summary>What came back: either a response or an error text (the prelude turns the latter into a rejected Promise).</summary>
internal sealed record HookHttpOutcome(int Status, string Body, List<KeyValuePair<string, string>> Headers, string? Error)
{
    public static HookHttpOutcome Failed(string error) => new(0, "", [], error);

    /// <summary>Builds the JavaScript value; runs on the engine's thread.</summary>
    public JsValue ToJs(Engine engine)
    {
        var result = new JsObject(engine);
        if (Error is not null)
        {
            result.FastSetDataProperty("error", new JsString(Error));
            return result;
        }

        var headers = new JsObject(engine);
        foreach (var (name, value) in Headers)
        {
            headers.CreateDataProperty(new JsString(name), new JsString(value));
        }

        result.FastSetDataProperty("status", JsNumber.Create(Status));
        result.FastSetDataProperty("body", new JsString(Body));
        result.FastSetDataProperty("headers", headers);
        return result;
    }
}

/// <summary>
/// The HTTP client behind the scripts' <c>http</c> helper: one shared <see cref="HttpClient"/>, a per-request
/// timeout, responses capped in size. Never throws: failures become <see cref="HookHttpOutcome.Error"/>.
/// </summary>
internal sealed class HookHttp : IDisposable
{
    public const int MaxResponseBytes = 4 * 1024 * 1024;
    private readonly HttpClient _client;

    public HookHttp()
    {
        var handler = new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            ConnectTimeout = TimeSpan.FromSeconds(10),
            AllowAutoRedirect = false,
            UseCookies = false,
        };
        _client = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan, MaxResponseContentBufferSize = MaxResponseBytes };
    }

    public async Task<HookHttpOutcome> SendAsync(HookHttpRequest request, CancellationToken lifetime)
    {
        string what = $"{request.Method} {request.Url}";
        if (!Uri.TryCreate(request.Url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            return HookHttpOutcome.Failed($"{what}: not an absolute http(s) URL");
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(lifetime);
        timeout.CancelAfter(request.Timeout);
        try
        {
            using var message = new HttpRequestMessage(new HttpMethod(request.Method), uri);
            if (request.Body is not null)
            {
                message.Content = new StringContent(request.Body, Encoding.UTF8);
                message.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(request.ContentType ?? "text/plain; charset=utf-8");
            }

            foreach (var (name, value) in request.Headers ?? [])
            {
                if (!message.Headers.TryAddWithoutValidation(name, value) && message.Content is not null)
                {
                    message.Content.Headers.Remove(name);
                    message.Content.Headers.TryAddWithoutValidation(name, value);
                }
            }

            using var response = await _client.SendAsync(message, HttpCompletionOption.ResponseContentRead, timeout.Token).ConfigureAwait(false);
            string body = await response.Content.ReadAsStringAsync(timeout.Token).ConfigureAwait(false);
            var headers = new List<KeyValuePair<string, string>>();
            foreach (var header in response.Headers.Concat(response.Content.Headers))
            {
                headers.Add(new(header.Key.ToLowerInvariant(), string.Join(", ", header.Value)));
            }

            return new HookHttpOutcome((int)response.StatusCode, body, headers, null);
        }
        catch (OperationCanceledException) when (!lifetime.IsCancellationRequested)
        {
            return HookHttpOutcome.Failed($"{what}: timed out after {request.Timeout.TotalMilliseconds:0} ms");
        }
        catch (OperationCanceledException)
        {
            return HookHttpOutcome.Failed($"{what}: cancelled");
        }
        catch (Exception ex) when (ex is HttpRequestException or InvalidOperationException or FormatException or IOException)
        {
            return HookHttpOutcome.Failed($"{what}: {ex.Message}");
        }
    }

    public void Dispose() => _client.Dispose();
}
