using System.Text.Json.Serialization;

namespace Lkm.Host.Api;

/// <summary>Source-generated (reflection-free) JSON for the API, snake_case like LKM.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(IReadOnlyList<SourceDto>))]
[JsonSerializable(typeof(IReadOnlyList<SinkDto>))]
[JsonSerializable(typeof(StatisticsDto))]
[JsonSerializable(typeof(IReadOnlyList<PluginDto>))]
[JsonSerializable(typeof(PluginDto))]
[JsonSerializable(typeof(ServerInfoDto))]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(bool))]
[JsonSerializable(typeof(System.Text.Json.Nodes.JsonNode))]
internal sealed partial class ApiJsonContext : JsonSerializerContext
{
}
