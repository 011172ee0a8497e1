using Lkm.Host.Configuration;

namespace Lkm.Host.Routing;

/// <summary>One route of <c>routes:</c>: a pattern and the settings it overrides.</summary>
public sealed record RouteConfig(RoutePattern Match, StreamSettings Settings);

/// <summary>
/// Ordered routes over the defaults: the first route whose pattern matches a stream id gives its
/// policy. Immutable; a config reload builds a new table and swaps it in.
/// </summary>
public sealed class RouteTable
{
    private readonly IReadOnlyList<RouteConfig> _routes;
    private readonly StreamSettings _defaults;
    private readonly StreamPolicy _defaultPolicy;
    private readonly StreamPolicy[] _routePolicies;

    public RouteTable(StreamSettings defaults, IReadOnlyList<RouteConfig> routes)
    {
        _defaults = defaults.Over(StreamSettings.BuiltIn);
        _routes = routes;
        _defaultPolicy = StreamPolicy.From(_defaults, "defaults");
        _routePolicies = routes.Select(r => StreamPolicy.From(r.Settings.Over(_defaults), r.Match.Pattern)).ToArray();
    }

    /// <summary>A table with one policy for every stream (tests, embedding).</summary>
    public static RouteTable Fixed(StreamPolicy policy) => new(policy);

    private RouteTable(StreamPolicy policy)
    {
        _routes = [];
        _defaults = StreamSettings.BuiltIn;
        _defaultPolicy = policy;
        _routePolicies = [];
    }

    public IReadOnlyList<RouteConfig> Routes => _routes;

    public StreamPolicy Defaults => _defaultPolicy;

    /// <summary>
    /// The policy of a stream. Not cached per id: ids come from clients, so a cache keyed by them
    /// would hold memory for streams long gone; a few compiled patterns are cheap to run.
    /// </summary>
    public StreamPolicy Resolve(string streamId)
    {
        for (int i = 0; i < _routes.Count; i++)
        {
            if (_routes[i].Match.IsMatch(streamId))
            {
                return _routePolicies[i];
            }
        }

        return _defaultPolicy;
    }
}
