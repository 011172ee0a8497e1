namespace Lkm.Sdk.Media;

/// <summary>
/// Publisher-supplied descriptive metadata (RTMP onMetaData), kept in order and passed on to players.
/// Values are AMF0-compatible CLR values: double, bool, string, null, nested dictionaries/lists.
/// </summary>
public sealed class StreamMetadata
{
    public static readonly StreamMetadata Empty = new([]);

    public StreamMetadata(IReadOnlyList<KeyValuePair<string, object?>> properties)
    {
        Properties = properties;
    }

    public IReadOnlyList<KeyValuePair<string, object?>> Properties { get; }

    public object? this[string key] => Properties.FirstOrDefault(p => p.Key == key).Value;
}
