using System.Globalization;

namespace Lkm.Host.Routing;

/// <summary>
/// How players reach a stream over each egress, as the plugins that serve them said
/// (<see cref="Lkm.Sdk.Plugins.IPluginContext.AddPlayUrl"/>): the API and the console list these instead of
/// knowing protocols. A newer version of a plugin replaces its templates by name.
/// </summary>
public sealed class PlayUrlTemplates
{
    private readonly Lock _gate = new();
    private List<PlayUrlTemplate> _templates = [];

    /// <summary>The templates in the order they were added (a replaced one keeps its place).</summary>
    public IReadOnlyList<PlayUrlTemplate> All
    {
        get
        {
            lock (_gate)
            {
                return _templates;
            }
        }
    }

    public void Add(PlayUrlTemplate template)
    {
        lock (_gate)
        {
            int at = _templates.FindIndex(t => string.Equals(t.Name, template.Name, StringComparison.OrdinalIgnoreCase));
            var next = new List<PlayUrlTemplate>(_templates);
            if (at >= 0)
            {
                next[at] = template;
            }
            else
            {
                next.Add(template);
            }

            _templates = next;
        }
    }

    /// <summary>Removes <paramref name="template"/> if it is still the one in force for its name.</summary>
    public void Remove(PlayUrlTemplate template)
    {
        lock (_gate)
        {
            _templates = _templates.Where(t => !ReferenceEquals(t, template)).ToList();
        }
    }

    /// <summary>Every egress URL of stream <paramref name="id"/> for players that reach the server at <paramref name="host"/>.</summary>
    public IReadOnlyList<(string Name, string Url)> For(string id, string host, int httpPort) =>
        All.Select(t => (t.Name, t.Resolve(id, host, httpPort))).ToList();
}

/// <summary>One egress's play URL with <c>{host}</c>, <c>{http_port}</c> and <c>{id}</c> to fill in.</summary>
public sealed record PlayUrlTemplate(string Name, string Template)
{
    public string Resolve(string id, string host, int httpPort) => Template
        .Replace("{host}", host, StringComparison.Ordinal)
        .Replace("{http_port}", httpPort.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
        .Replace("{id}", id, StringComparison.Ordinal);
}
