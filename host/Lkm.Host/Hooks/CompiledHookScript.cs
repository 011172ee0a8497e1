using System.Collections.Concurrent;
using Acornima.Ast;
using Jint;

namespace Lkm.Host.Hooks;

/// <summary>One successfully loaded version of a script file: the parsed program, which events it defines, its engines.</summary>
internal sealed class CompiledHookScript
{
    private readonly Prepared<Script> _prepared;
    private readonly string _name;
    private readonly HookServices _services;
    private readonly bool[] _defines = new bool[HookEvents.Count];
    private readonly ConcurrentDictionary<JsLimits, JsRuntimePool> _pools = new();
    private volatile JsRuntimePool? _lastPool;

    private CompiledHookScript(Prepared<Script> prepared, string source, int version, string name, HookServices services)
    {
        _prepared = prepared;
        Source = source;
        Version = version;
        _name = name;
        _services = services;
    }

    public string Source { get; }

    public int Version { get; }

    public bool Defines(HookEvent hookEvent) => _defines[(int)hookEvent];

    /// <summary>Parses the source and runs its top level once (in an engine kept for the first call).</summary>
    /// <exception cref="HookScriptException">syntax error or a failing top level, with file/line/column.</exception>
    public static CompiledHookScript Compile(string path, string source, int version, HookServices services)
    {
        JintTimeZones.ReleaseSystemZoneCache(); // the first use of Jint: before any engine or options exist
        Prepared<Script> prepared;
        try
        {
            prepared = Engine.PrepareScript(source, path);
        }
        catch (ScriptPreparationException ex) when (ex.InnerException is Acornima.ParseErrorException parse)
        {
            throw new HookScriptException(path, parse.LineNumber, parse.Column, parse.Description, ex);
        }
        catch (Acornima.ParseErrorException parse)
        {
            throw new HookScriptException(path, parse.LineNumber, parse.Column, parse.Description, parse);
        }

        var compiled = new CompiledHookScript(prepared, source, version, Path.GetFileName(path), services);
        var limits = JsLimits.From(HookOptions.Default);
        JsRuntime first;
        try
        {
            first = compiled.CreateRuntime(limits);
        }
        catch (HookCallException ex)
        {
            var (line, column) = ParseLocation(ex.Location);
            throw new HookScriptException(path, line, column, ex.Message, ex);
        }

        for (int i = 0; i < HookEvents.Count; i++)
        {
            compiled._defines[i] = first.Defines((HookEvent)i);
        }

        compiled.PoolFor(limits).Seed(first);
        return compiled;
    }

    public JsRuntimePool PoolFor(JsLimits limits)
    {
        var last = _lastPool;
        if (last is not null && last.Limits == limits)
        {
            return last;
        }

        var pool = _pools.GetOrAdd(limits, static (l, self) => new JsRuntimePool(l, () => self.CreateRuntime(l)), this);
        _lastPool = pool;
        return pool;
    }

    public void Retire()
    {
        foreach (var pool in _pools.Values)
        {
            pool.Retire();
        }
    }

    private JsRuntime CreateRuntime(JsLimits limits) => JsRuntime.Create(_prepared, _name, limits, _services);

    /// <summary>"/x/a.js:3:7" → (3, 7); (0, 0) when there is no location.</summary>
    private static (int Line, int Column) ParseLocation(string? location)
    {
        if (location is null)
        {
            return (0, 0);
        }

        var parts = location.Split(':');
        return parts.Length >= 3 && int.TryParse(parts[^2], out int line) && int.TryParse(parts[^1], out int column) ? (line, column) : (0, 0);
    }
}
