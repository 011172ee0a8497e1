using Lkm.Host.Hooks;
using Lkm.Host.Routing;
using Lkm.Host.Streaming;
using Microsoft.Extensions.Logging.Abstractions;

namespace Lkm.Benchmarks.Hooks;

/// <summary>
/// The issue-4 benchmark setup: a <see cref="HookEngine"/> with the token script
/// (<c>function on_publish(ctx) { return ctx.query.token === 'abc'; }</c>) in a temporary file, and the
/// publish-side entry point the stream hub awaits (<see cref="ScriptStreamHooks.DecideAsync"/>).
/// </summary>
public sealed class TokenHookFixture : IAsyncDisposable
{
    public const string Script = "function on_publish(ctx) { return ctx.query.token === 'abc'; }\n";

    private readonly string _directory;

    public TokenHookFixture()
    {
        _directory = Directory.CreateTempSubdirectory("lkm-bench-hooks-").FullName;
        ScriptPath = Path.Combine(_directory, "token.js");
        File.WriteAllText(ScriptPath, Script);
        Engine = new HookEngine(NullLoggerFactory.Instance);
        StreamHooks = new ScriptStreamHooks(Engine, NullLoggerFactory.Instance);
        Policy = new StreamPolicy { HookScript = ScriptPath };
        Options = new HookOptions { Timeout = Policy.HookTimeout, OnError = Policy.OnError };
        ScriptHandle = Engine.GetScript(ScriptPath);
        Allowed = Context("abc");
        Denied = Context("wrong");
    }

    public string ScriptPath { get; }

    public HookEngine Engine { get; }

    public ScriptStreamHooks StreamHooks { get; }

    public StreamPolicy Policy { get; }

    /// <summary>The options <see cref="ScriptStreamHooks"/> derives from the policy, built once.</summary>
    public HookOptions Options { get; }

    public HookScript ScriptHandle { get; }

    /// <summary>An RTMP publish of live/cam1 with <c>?token=abc</c>.</summary>
    public HookContext Allowed { get; }

    /// <summary>The same publish with a wrong token.</summary>
    public HookContext Denied { get; }

    /// <summary>What the hub awaits before accepting a publish (route lookup already done).</summary>
    public Task<HookDecision> DecidePublish(HookContext context) =>
        StreamHooks.DecideAsync(Policy, HookEvent.OnPublish, context, CancellationToken.None);

    /// <summary>The engine alone, with the script handle and options resolved once.</summary>
    public Task<HookDecision> RunOnEngine(HookContext context) =>
        Engine.RunAsync(ScriptHandle, HookEvent.OnPublish, context, Options);

    /// <summary>Throws unless both contexts get the decision the script promises.</summary>
    public void Verify()
    {
        var allowed = DecidePublish(Allowed).GetAwaiter().GetResult();
        var denied = DecidePublish(Denied).GetAwaiter().GetResult();
        if (!allowed.Allow || !allowed.FromScript || denied.Allow || !denied.FromScript)
        {
            throw new InvalidOperationException($"unexpected decisions: allowed={allowed}, denied={denied}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Engine.DisposeAsync().ConfigureAwait(false);
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static HookContext Context(string token) => new()
    {
        Stream = "live/cam1",
        Protocol = "rtmp",
        RemoteAddr = "192.0.2.10:50123",
        Query = new Dictionary<string, string> { ["token"] = token },
    };
}
