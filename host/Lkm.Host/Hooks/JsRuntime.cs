using System.Collections.Concurrent;
using Acornima.Ast;
using Jint;
using Jint.Native;
using Jint.Native.Object;
using Jint.Runtime;
using Jint.Runtime.Interop;

namespace Lkm.Host.Hooks;

/// <summary>
/// One Jint engine with the prelude and one version of a script evaluated, plus the event loop glue for the
/// script's Promises. A Jint engine is not thread safe: a runtime is used by one call at a time (the pool
/// guarantees it), possibly on different threads across awaits, never concurrently. CLR work started by a
/// helper (HTTP) completes on the thread pool and only <em>posts</em> its settlement here; the owning call runs
/// it on the engine, between awaits, so the engine is never touched by two threads at once.
/// </summary>
internal sealed class JsRuntime : IDisposable
{
    private const string KeyEvent = "event";
    private const string KeyStream = "stream";
    private const string KeyApp = "app";
    private const string KeyName = "name";
    private const string KeyProtocol = "protocol";
    private const string KeyRemoteAddr = "remote_addr";
    private const string KeyQuery = "query";
    private const string KeySink = "sink";
    private const string KeyDuration = "duration";
    private const string KeyBytes = "bytes";
    private const string KeyPath = "path";
    private static readonly JsString KeyAllow = new("allow");
    private static readonly JsString KeyReason = new("reason");
    private static readonly JsString KeyThen = new("then");
    private static readonly JsString[] EventNames = Enumerable.Range(0, HookEvents.Count).Select(i => new JsString(((HookEvent)i).ScriptName())).ToArray();

    private readonly Engine _engine;
    private readonly HookServices _services;
    private readonly string _scriptName;
    private readonly JsValue[] _handlers = new JsValue[HookEvents.Count];
    private readonly object?[] _args = new object?[1];
    private readonly ConcurrentQueue<Action> _completions = new();
    private readonly SemaphoreSlim _wakeup = new(0);
    private readonly CancellationTokenSource _lifetime = new();
    private int _outstanding;
    private TimeSpan _httpTimeout = TimeSpan.FromSeconds(10);
    private bool _disposed;

    private JsRuntime(Engine engine, HookServices services, string scriptName)
    {
        _engine = engine;
        _services = services;
        _scriptName = scriptName;
    }

    /// <summary>True while helper work (an HTTP request) started by the script has not been settled on the engine yet.</summary>
    public bool HasPendingWork => Volatile.Read(ref _outstanding) > 0 || !_completions.IsEmpty;

    /// <summary>Builds an engine with <paramref name="limits"/>, runs the prelude and the script's top level.</summary>
    /// <exception cref="HookCallException">the script's top level threw or hit a limit.</exception>
    public static JsRuntime Create(Prepared<Script> script, string scriptName, JsLimits limits, HookServices services)
    {
        var engine = new Engine(limits.Apply);
        var runtime = new JsRuntime(engine, services, scriptName);
        try
        {
            var prelude = engine.Evaluate(HookPrelude.Prepared);
            engine.Invoke(prelude, runtime.CreateNative());
            engine.Execute(script);
            for (int i = 0; i < HookEvents.Count; i++)
            {
                var value = engine.Global.Get(EventNames[i]);
                runtime._handlers[i] = value.IsCallable() ? value : JsValue.Undefined;
            }

            Interlocked.Increment(ref services.RuntimesCreated);
            return runtime;
        }
        catch (Exception ex)
        {
            var fault = runtime.ToFault(ex, "top level");
            runtime.Dispose();
            throw fault;
        }
    }

    public bool Defines(HookEvent hookEvent) => !_handlers[(int)hookEvent].IsUndefined();

    /// <summary>
    /// Calls the event's function and, when it returns a Promise, runs the engine's event loop until the Promise
    /// settles (bounded by <see cref="HookOptions.AsyncTimeout"/>). Then interprets the result.
    /// </summary>
    /// <exception cref="HookCallException">the script threw, hit a limit, timed out or returned something unusable.</exception>
    public async ValueTask<HookDecision> CallAsync(HookEvent hookEvent, HookContext context, HookOptions options, CancellationToken cancellationToken)
    {
        try
        {
            _httpTimeout = options.HttpTimeout;
            RunCompletions(); // settlements of fire-and-forget work from an earlier call on this engine
            JsValue result;
            try
            {
                _args[0] = BuildContext(hookEvent, context);
                result = _engine.Invoke(_handlers[(int)hookEvent], _args);
            }
            finally
            {
                _args[0] = null; // a pooled engine must not keep the last stream's context alive
            }

            _engine.Advanced.ProcessTasks();
            if (result.IsPromise())
            {
                result = await AwaitPromiseAsync(hookEvent, result, options.AsyncTimeout, cancellationToken).ConfigureAwait(false);
            }

            return Interpret(hookEvent, result);
        }
        catch (Exception ex) when (ex is not HookCallException and not OperationCanceledException)
        {
            throw ToFault(ex, hookEvent.ScriptName());
        }
    }

    /// <summary>After a call: settles the script's leftover fire-and-forget work, so the engine goes back to the pool idle.</summary>
    public async Task<bool> DrainAsync(TimeSpan timeout)
    {
        long deadline = Environment.TickCount64 + (long)timeout.TotalMilliseconds;
        try
        {
            while (HasPendingWork)
            {
                long remaining = deadline - Environment.TickCount64;
                if (remaining <= 0)
                {
                    return false;
                }

                await _wakeup.WaitAsync(TimeSpan.FromMilliseconds(remaining)).ConfigureAwait(false);
                RunCompletions();
            }

            return true;
        }
        catch (Exception)
        {
            return false;
        }
    }

    private async ValueTask<JsValue> AwaitPromiseAsync(HookEvent hookEvent, JsValue promise, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var settlement = new Settlement();
        var onFulfilled = new ClrFunction(_engine, "", (_, a) => settlement.Settle(Arg(a, 0), rejected: false));
        var onRejected = new ClrFunction(_engine, "", (_, a) => settlement.Settle(Arg(a, 0), rejected: true));
        _engine.Invoke(promise.AsObject().Get(KeyThen), promise, [onFulfilled, onRejected]);
        _engine.Advanced.ProcessTasks();

        long deadline = Environment.TickCount64 + (long)Math.Min(timeout.TotalMilliseconds, int.MaxValue);
        while (!settlement.Done)
        {
            if (!HasPendingWork)
            {
                throw new HookCallException(HookFailureKind.BadResult, $"{hookEvent.ScriptName()} returned a Promise that nothing can settle", null);
            }

            long remaining = deadline - Environment.TickCount64;
            if (remaining <= 0)
            {
                throw new HookCallException(HookFailureKind.Timeout, $"{hookEvent.ScriptName()} did not settle its Promise within {timeout.TotalMilliseconds:0} ms", null);
            }

            await _wakeup.WaitAsync(TimeSpan.FromMilliseconds(remaining), cancellationToken).ConfigureAwait(false);
            RunCompletions();
        }

        if (settlement.Rejected)
        {
            var (message, location) = DescribeThrown(settlement.Value);
            throw new HookCallException(HookFailureKind.Thrown, $"{hookEvent.ScriptName()} rejected: {message}", location);
        }

        return settlement.Value;
    }

    /// <summary>Runs posted settlements on the engine; each gets a fresh time/statement budget.</summary>
    private void RunCompletions()
    {
        while (_completions.TryDequeue(out var completion))
        {
            _engine.Constraints.Reset();
            completion();
            _engine.Advanced.ProcessTasks();
        }
    }

    private void Post(Action completion)
    {
        _completions.Enqueue(completion);
        _wakeup.Release();
    }

    private HookDecision Interpret(HookEvent hookEvent, JsValue result)
    {
        if (!hookEvent.IsDeciding())
        {
            return new HookDecision(true, null, true);
        }

        if (result.IsBoolean())
        {
            bool allow = result.AsBoolean();
            return new HookDecision(allow, allow ? null : $"{hookEvent.ScriptName()} returned false", true);
        }

        if (result is ObjectInstance obj && !result.IsPromise())
        {
            var allow = obj.Get(KeyAllow);
            if (allow.IsBoolean())
            {
                var reasonValue = obj.Get(KeyReason);
                string? reason = reasonValue.IsNullish() ? null : TypeConverter.ToString(reasonValue);
                bool allowed = allow.AsBoolean();
                return new HookDecision(allowed, reason ?? (allowed ? null : $"{hookEvent.ScriptName()} denied"), true);
            }
        }

        throw new HookCallException(
            HookFailureKind.BadResult,
            $"{hookEvent.ScriptName()} returned {Describe(result)}; expected true/false or {{allow: boolean, reason}}",
            null);
    }

    private static string Describe(JsValue value) =>
        value.IsUndefined() ? "undefined" :
        value.IsNull() ? "null" :
        value.IsString() ? "a string" :
        value.IsNumber() ? "a number" :
        value.IsObject() ? "an object without a boolean 'allow'" : "a " + value.Type.ToString().ToLowerInvariant();

    private JsObject BuildContext(HookEvent hookEvent, HookContext context)
    {
        var query = new JsObject(_engine);
        foreach (var pair in context.Query)
        {
            query.CreateDataProperty(new JsString(pair.Key), new JsString(pair.Value));
        }

        var ctx = new JsObject(_engine);
        ctx.FastSetDataProperty(KeyEvent, EventNames[(int)hookEvent]);
        ctx.FastSetDataProperty(KeyStream, new JsString(context.Stream));
        ctx.FastSetDataProperty(KeyApp, new JsString(context.App));
        ctx.FastSetDataProperty(KeyName, new JsString(context.Name));
        ctx.FastSetDataProperty(KeyProtocol, new JsString(context.Protocol));
        ctx.FastSetDataProperty(KeyRemoteAddr, new JsString(context.RemoteAddr));
        ctx.FastSetDataProperty(KeyQuery, query);
        ctx.FastSetDataProperty(KeySink, context.Sink is null ? JsValue.Null : new JsString(context.Sink));
        ctx.FastSetDataProperty(KeyDuration, context.DurationSeconds is { } d ? JsNumber.Create(d) : JsValue.Null);
        ctx.FastSetDataProperty(KeyBytes, context.Bytes is { } b ? JsNumber.Create(b) : JsValue.Null);
        ctx.FastSetDataProperty(KeyPath, context.Path is null ? JsValue.Null : new JsString(context.Path));
        return ctx;
    }

    // ---- the private native object behind the prelude's helpers ----

    private JsObject CreateNative()
    {
        var native = new JsObject(_engine);
        native.FastSetDataProperty("log", new ClrFunction(_engine, "log", (_, a) =>
        {
            _services.ScriptLog(_scriptName, (int)TypeConverter.ToNumber(Arg(a, 0)), TypeConverter.ToString(Arg(a, 1)));
            return JsValue.Undefined;
        }));
        native.FastSetDataProperty("md5", new ClrFunction(_engine, "md5", (_, a) => HookCrypto.Md5(TypeConverter.ToString(Arg(a, 0)))));
        native.FastSetDataProperty("sha256", new ClrFunction(_engine, "sha256", (_, a) => HookCrypto.Sha256(TypeConverter.ToString(Arg(a, 0)))));
        native.FastSetDataProperty("hmacSha256", new ClrFunction(_engine, "hmacSha256", (_, a) =>
            HookCrypto.HmacSha256(TypeConverter.ToString(Arg(a, 0)), TypeConverter.ToString(Arg(a, 1)))));
        native.FastSetDataProperty("hmacSha256Base64", new ClrFunction(_engine, "hmacSha256Base64", (_, a) =>
            HookCrypto.HmacSha256Base64(TypeConverter.ToString(Arg(a, 0)), TypeConverter.ToString(Arg(a, 1)))));
        native.FastSetDataProperty("request", new ClrFunction(_engine, "request", (_, a) => StartRequest(a)));
        return native;
    }

    /// <summary>native.request(method, url, body, headers, timeoutMs, contentType) → Promise of {status, body, headers} or {error}.</summary>
    private JsValue StartRequest(JsValue[] a)
    {
        var (promise, resolve, _) = _engine.Advanced.RegisterPromise();
        var request = new HookHttpRequest(
            TypeConverter.ToString(Arg(a, 0)),
            TypeConverter.ToString(Arg(a, 1)),
            Arg(a, 2).IsNullish() ? null : TypeConverter.ToString(Arg(a, 2)),
            ReadHeaders(Arg(a, 3)),
            Arg(a, 4).IsNumber() && Arg(a, 4).AsNumber() > 0 ? TimeSpan.FromMilliseconds(Arg(a, 4).AsNumber()) : _httpTimeout,
            Arg(a, 5).IsString() ? Arg(a, 5).AsString() : null);

        Interlocked.Increment(ref _outstanding);
        _ = SendAsync(request, resolve);
        return promise;
    }

    private async Task SendAsync(HookHttpRequest request, Action<JsValue> resolve)
    {
        var outcome = await _services.Http.SendAsync(request, _lifetime.Token).ConfigureAwait(false);
        Post(() =>
        {
            Interlocked.Decrement(ref _outstanding);
            resolve(outcome.ToJs(_engine));
        });
    }

    private static List<KeyValuePair<string, string>>? ReadHeaders(JsValue headers)
    {
        if (headers is not ObjectInstance obj)
        {
            return null;
        }

        var list = new List<KeyValuePair<string, string>>();
        foreach (var key in obj.GetOwnPropertyKeys(Types.String))
        {
            var value = obj.Get(key);
            if (!value.IsNullish())
            {
                list.Add(new(key.ToString(), TypeConverter.ToString(value)));
            }
        }

        return list;
    }

    private static JsValue Arg(JsValue[] args, int index) => index < args.Length ? args[index] : JsValue.Undefined;

    // ---- turning Jint's exceptions into one fault type with a location ----

    private HookCallException ToFault(Exception ex, string what)
    {
        switch (ex)
        {
            case HookCallException fault:
                return fault;
            case JavaScriptException js:
            {
                var (message, location) = DescribeThrown(js.Error);
                return new HookCallException(HookFailureKind.Thrown, $"{what} threw {message}", location ?? Format(js.Location), ex);
            }

            case TimeoutException:
                return new HookCallException(HookFailureKind.Timeout, $"{what} exceeded its time limit", LocationOf(ex), ex) { DiscardsEngine = true };
            case StatementsCountOverflowException:
            case MemoryLimitExceededException:
            case RecursionDepthOverflowException:
                return new HookCallException(HookFailureKind.Limit, $"{what}: {ex.Message}", LocationOf(ex), ex) { DiscardsEngine = true };
            case Acornima.ParseErrorException parse:
                return new HookCallException(HookFailureKind.Thrown, $"{what}: {parse.Description}", $"{parse.SourceFile}:{parse.LineNumber}:{parse.Column}", ex);
            default:
                return new HookCallException(HookFailureKind.Internal, $"{what} failed: {ex.GetType().Name}: {ex.Message}", LocationOf(ex), ex) { DiscardsEngine = true };
        }
    }

    private string? LocationOf(Exception ex)
    {
        if (JintException.TryGetJavaScriptLocation(ex, out var location) && location.SourceFile is not null)
        {
            return Format(location);
        }

        // Limit exceptions carry no location; the engine's stack still points at the statement that tripped it.
        return TopFrame(_engine.Advanced.StackTrace);
    }

    private static string? Format(in Acornima.SourceLocation location) =>
        location.SourceFile is null ? null : $"{location.SourceFile}:{location.Start.Line}:{location.Start.Column + 1}";

    /// <summary>Message and first stack frame of a thrown value (an Error or anything else).</summary>
    private static (string Message, string? Location) DescribeThrown(JsValue thrown)
    {
        if (thrown is ObjectInstance error && error.HasProperty(new JsString("message")))
        {
            string name = TypeConverter.ToString(error.Get(new JsString("name")));
            string message = TypeConverter.ToString(error.Get(new JsString("message")));
            var stack = error.Get(new JsString("stack"));
            return ($"{name}: {message}", stack.IsString() ? TopFrame(stack.AsString()) : null);
        }

        return (thrown.IsString() ? thrown.AsString() : TypeConverter.ToString(thrown), null);
    }

    /// <summary>"at on_play (/x/hooks.js:3:5)" → "/x/hooks.js:3:5"; the first frame that is not the prelude.</summary>
    private static string? TopFrame(string stack)
    {
        foreach (var raw in stack.Split('\n'))
        {
            string line = raw.Trim();
            if (!line.StartsWith("at ", StringComparison.Ordinal) || line.Contains(HookPrelude.SourceName, StringComparison.Ordinal))
            {
                continue;
            }

            int open = line.LastIndexOf('(');
            int close = line.LastIndexOf(')');
            return open >= 0 && close > open ? line[(open + 1)..close] : line[3..];
        }

        return null;
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _lifetime.Cancel(); // aborts the script's HTTP requests still in flight
        _engine.Dispose();
    }

    /// <summary>Where the then-callbacks of the awaited Promise put its outcome.</summary>
    private sealed class Settlement
    {
        public bool Done;
        public bool Rejected;
        public JsValue Value = JsValue.Undefined;

        public JsValue Settle(JsValue value, bool rejected)
        {
            if (!Done)
            {
                Done = true;
                Rejected = rejected;
                Value = value;
            }

            return JsValue.Undefined;
        }
    }
}

/// <summary>Small JsValue helpers.</summary>
internal static class JsValueNullish
{
    public static bool IsNullish(this JsValue value) => value.IsNull() || value.IsUndefined();
}
