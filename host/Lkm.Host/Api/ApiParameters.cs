using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Lkm.Host.Api;

/// <summary>
/// The named parameters of one API call, read the way LKM's clients send them: the query string
/// (GET or POST), then a POST body as a JSON object or as a form. Body values win over the query.
/// </summary>
public sealed class ApiParameters
{
    /// <summary>Largest body accepted (LKM's calls are a few fields).</summary>
    public const int MaxBodyBytes = 64 * 1024;

    private readonly Dictionary<string, string> _values;

    public ApiParameters(Dictionary<string, string> values)
    {
        _values = values;
    }

    /// <summary>Every parameter by name.</summary>
    public IReadOnlyDictionary<string, string> Values => _values;

    public string? Get(string name) => _values.TryGetValue(name, out var v) && v.Length > 0 ? v : null;

    /// <summary>A required parameter; a 400 API error names it when it is missing.</summary>
    public string Require(string name) => Get(name) ?? throw new ApiException(StatusCodes.Status400BadRequest, $"missing parameter '{name}'");

    public static async Task<ApiParameters> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in request.Query)
        {
            values[key] = value.ToString();
        }

        if (!HttpMethods.IsPost(request.Method))
        {
            return new ApiParameters(values);
        }

        if (request.ContentLength > MaxBodyBytes)
        {
            throw new ApiException(StatusCodes.Status413PayloadTooLarge, $"the body is larger than {MaxBodyBytes} bytes");
        }

        byte[] body = await ReadBodyAsync(request, cancellationToken).ConfigureAwait(false);
        if (body.Length == 0)
        {
            return new ApiParameters(values);
        }

        // LKM's clients post JSON, often with a form content type (curl -d) or none: a body that
        // starts with '{' is JSON whatever it is labelled; otherwise a form body is parsed as a form.
        string contentType = request.ContentType ?? "";
        bool looksLikeJson = body.AsSpan().TrimStart(" \t\r\n"u8) is [(byte)'{', ..];
        if (!looksLikeJson && contentType.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase))
        {
            ReadForm(body, values);
        }
        else
        {
            ReadJson(body, values);
        }

        return new ApiParameters(values);
    }

    private static async Task<byte[]> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(MaxBodyBytes + 1);
        try
        {
            int total = 0;
            while (total <= MaxBodyBytes)
            {
                int n = await request.Body.ReadAsync(buffer.AsMemory(total, MaxBodyBytes + 1 - total), cancellationToken).ConfigureAwait(false);
                if (n == 0)
                {
                    return buffer.AsSpan(0, total).ToArray();
                }

                total += n;
            }

            throw new ApiException(StatusCodes.Status413PayloadTooLarge, $"the body is larger than {MaxBodyBytes} bytes");
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static void ReadForm(byte[] body, Dictionary<string, string> values)
    {
        var form = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery("?" + System.Text.Encoding.UTF8.GetString(body));
        foreach (var (key, value) in form)
        {
            values[key] = value.ToString();
        }
    }

    private static void ReadJson(byte[] body, Dictionary<string, string> values)
    {
        try
        {
            using var document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 16 });
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new ApiException(StatusCodes.Status400BadRequest, "the body must be a JSON object");
            }

            foreach (var property in document.RootElement.EnumerateObject())
            {
                values[property.Name] = property.Value.ValueKind switch
                {
                    JsonValueKind.String => property.Value.GetString() ?? "",
                    JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => property.Value.GetRawText(),
                    JsonValueKind.Null => "",
                    _ => throw new ApiException(StatusCodes.Status400BadRequest, $"parameter '{property.Name}' must be a string or a number"),
                };
            }
        }
        catch (JsonException ex)
        {
            throw new ApiException(StatusCodes.Status400BadRequest, "the body is not valid JSON: " + ex.Message);
        }
        catch (InvalidOperationException)
        {
            // A JSON string holding bytes that are not UTF-8 cannot be read as text.
            throw new ApiException(StatusCodes.Status400BadRequest, "the body is not valid JSON: a string is not UTF-8");
        }
    }
}
