using System.Text.Json.Serialization;

namespace Lkm.Bench.Reporting;

/// <summary>Source-generated JSON for the reports (no reflection at run time).</summary>
[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(PlayReport))]
[JsonSerializable(typeof(PublishReport))]
public sealed partial class BenchJsonContext : JsonSerializerContext;
