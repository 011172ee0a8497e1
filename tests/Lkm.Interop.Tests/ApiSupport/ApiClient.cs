using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Lkm.Testing;

namespace Lkm.Interop.Tests.ApiSupport;

/// <summary>Calls the host's HTTP API (LKM envelope) and /metrics, optionally with a bearer token.</summary>
public sealed class ApiClient(int port, string? token = null) : IDisposable
{
    private readonly HttpClient _http = new() { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(10) };

    public async Task<(HttpStatusCode Status, JsonElement Body)> GetAsync(string path) => await SendAsync(new HttpRequestMessage(HttpMethod.Get, path));

    public async Task<(HttpStatusCode Status, JsonElement Body)> PostAsync(string path, object body) =>
        await SendAsync(new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json") });

    /// <summary>The <c>data</c> of a successful call; fails the test on any other answer.</summary>
    public async Task<JsonElement> DataAsync(string path, object? body = null)
    {
        var (status, json) = body is null ? await GetAsync(path) : await PostAsync(path, body);
        Assert.True(status == HttpStatusCode.OK && json.GetProperty("code").GetInt32() == 200, $"{path}: {(int)status} {json}");
        return json.GetProperty("data");
    }

    public async Task<(HttpStatusCode Status, string Text)> GetTextAsync(string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        Authorize(request);
        using var response = await _http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    public async Task<PrometheusText> ScrapeAsync()
    {
        var (status, text) = await GetTextAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, status);
        return PrometheusText.Parse(text);
    }

    /// <summary>Polls <paramref name="path"/> until <paramref name="condition"/> holds for its data; returns that data.</summary>
    public async Task<JsonElement> WaitForAsync(string path, Func<JsonElement, bool> condition, string what, TimeSpan? timeout = null, object? body = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        JsonElement last = default;
        while (DateTime.UtcNow < deadline)
        {
            last = await DataAsync(path, body);
            if (condition(last))
            {
                return last;
            }

            await Task.Delay(200);
        }

        Assert.Fail($"timed out waiting for {what}; last {path}: {last}");
        return last;
    }

    private async Task<(HttpStatusCode, JsonElement)> SendAsync(HttpRequestMessage request)
    {
        using (request)
        {
            Authorize(request);
            using var response = await _http.SendAsync(request);
            string text = await response.Content.ReadAsStringAsync();
            return (response.StatusCode, JsonDocument.Parse(text).RootElement.Clone());
        }
    }

    private void Authorize(HttpRequestMessage request)
    {
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
    }

    public void Dispose() => _http.Dispose();
}
