using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http;

namespace Lkm.Host.Api;

/// <summary>
/// Writes LKM's envelope: <c>{"code":200,"msg":"ok","data":...}</c>, or <c>{"code":-1,"msg":"..."}</c> for errors.
/// The JSON goes straight into the response pipe (Kestrel forbids synchronous stream writes).
/// </summary>
public static class ApiResponse
{
    public const string JsonContentType = "application/json; charset=utf-8";

    // Stream ids and messages stay readable ('/' and quotes unescaped); the body is JSON, never HTML.
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static async Task OkAsync<T>(HttpContext context, T data, JsonTypeInfo<T> typeInfo)
    {
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = JsonContentType;
        await using var writer = new Utf8JsonWriter(context.Response.BodyWriter, WriterOptions);
        writer.WriteStartObject();
        writer.WriteNumber("code", 200);
        writer.WriteString("msg", "ok");
        writer.WritePropertyName("data");
        JsonSerializer.Serialize(writer, data, typeInfo);
        writer.WriteEndObject();
        writer.Flush();
        await context.Response.BodyWriter.FlushAsync(context.RequestAborted).ConfigureAwait(false);
    }

    public static async Task ErrorAsync(HttpContext context, int status, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = JsonContentType;
        await using var writer = new Utf8JsonWriter(context.Response.BodyWriter, WriterOptions);
        writer.WriteStartObject();
        writer.WriteNumber("code", -1);
        writer.WriteString("msg", message);
        writer.WriteEndObject();
        writer.Flush();
        await context.Response.BodyWriter.FlushAsync(context.RequestAborted).ConfigureAwait(false);
    }
}
