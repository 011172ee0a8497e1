using System.Text.Json.Nodes;

namespace Lkm.Sdk.Plugins;

/// <summary>
/// Answers one call of a plugin's API (<see cref="IPluginContext.MapApi"/>). What it returns becomes the
/// <c>data</c> of the host's envelope <c>{"code":200,"msg":"ok","data":...}</c>; throwing
/// <see cref="PluginApiException"/> answers the error envelope with its status and message.
/// </summary>
/// <param name="request">The call's parameters (query string and JSON or form body, read and bounded by the host).</param>
/// <param name="cancellationToken">Cancelled when the caller goes away.</param>
public delegate ValueTask<JsonNode?> PluginApiHandler(PluginApiRequest request, CancellationToken cancellationToken);
