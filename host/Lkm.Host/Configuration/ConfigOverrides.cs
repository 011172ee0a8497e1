using YamlDotNet.RepresentationModel;

namespace Lkm.Host.Configuration;

/// <summary>
/// Applies <c>--set a.b.c=value</c> to the parsed file, remembering which override made each node so
/// an error about it names the override instead of a position it does not have in the file.
/// </summary>
public static class ConfigOverrides
{
    /// <summary>Sets each <c>a.b.c</c> to a scalar, creating mappings on the way; returns node → <c>--set a.b.c=value</c>.</summary>
    public static IReadOnlyDictionary<YamlNode, string> Apply(YamlMappingNode root, IReadOnlyList<KeyValuePair<string, string>>? overrides)
    {
        // YamlScalarNode compares by value; an origin belongs to the very node an override made.
        var origins = new Dictionary<YamlNode, string>(ReferenceEqualityComparer.Instance);
        foreach (var (dottedKey, value) in overrides ?? [])
        {
            string origin = $"--set {dottedKey}={value}";
            string[] parts = dottedKey.Split('.', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 0)
            {
                throw new ConfigException(origin, $"bad override '{dottedKey}={value}'");
            }

            var node = root;
            for (int i = 0; i < parts.Length - 1; i++)
            {
                var key = new YamlScalarNode(parts[i]);
                if (!node.Children.TryGetValue(key, out var child) || child is not YamlMappingNode map)
                {
                    map = new YamlMappingNode();
                    node.Children[key] = map;
                    origins[key] = origin;
                    origins[map] = origin;
                }

                node = map;
            }

            var leafKey = new YamlScalarNode(parts[^1]);
            var leaf = new YamlScalarNode(value);
            if (!node.Children.ContainsKey(leafKey))
            {
                origins[leafKey] = origin;
            }

            node.Children[leafKey] = leaf;
            origins[leaf] = origin;
        }

        return origins;
    }
}
