namespace Lkm.Sdk.Media;

/// <summary>
/// Publisher-supplied descriptive metadata (RTMP onMetaData), kept in order and passed on to players.
/// Values are AMF0-compatible CLR values: double, bool, string, null, nested dictionaries/lists.
/// </summary>
public sealed class StreamMetadata
{
    /// <summary>No properties.</summary>
    public static readonly StreamMetadata Empty = new([]);

    /// <summary>Metadata of <paramref name="properties"/>, kept as given (not copied).</summary>
    public StreamMetadata(IReadOnlyList<KeyValuePair<string, object?>> properties)
    {
        Properties = properties;
    }

    /// <summary>The properties in the publisher's order.</summary>
    public IReadOnlyList<KeyValuePair<string, object?>> Properties { get; }

    /// <summary>The value of the first property named <paramref name="key"/>; null when absent.</summary>
    public object? this[string key] => Properties.FirstOrDefault(p => p.Key == key).Value;
}
