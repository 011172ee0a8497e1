namespace Lkm.Sdk.Amf;

/// <summary>An AMF0 object or ECMA array: properties in wire order (duplicate keys are kept; lookups return the first).</summary>
public sealed class Amf0Object : List<KeyValuePair<string, object?>>
{
    /// <summary>An empty anonymous object.</summary>
    public Amf0Object()
    {
    }

    /// <summary>An object holding <paramref name="properties"/> in the order given.</summary>
    public Amf0Object(IEnumerable<KeyValuePair<string, object?>> properties)
        : base(properties)
    {
    }

    /// <summary>True when the value came as (or should be written as) an ECMA array rather than an anonymous object.</summary>
    public bool IsEcmaArray { get; set; }

    /// <summary>The class name of an AMF0 typed object; null for anonymous objects.</summary>
    public string? ClassName { get; set; }

    /// <summary>The value of the first property named <paramref name="key"/>, or null when absent.</summary>
    public object? this[string key] => TryGet(key, out var value) ? value : null;

    /// <summary>Appends a property (an existing key is not replaced).</summary>
    public void Add(string key, object? value) => Add(new KeyValuePair<string, object?>(key, value));

    /// <summary>Finds the first property named <paramref name="key"/>; false (and a null <paramref name="value"/>) when absent.</summary>
    public bool TryGet(string key, out object? value)
    {
        foreach (var property in this)
        {
            if (property.Key == key)
            {
                value = property.Value;
                return true;
            }
        }

        value = null;
        return false;
    }
}
