using System.Collections.Concurrent;

namespace Lkm.Host.Hooks;

/// <summary>
/// Engines of one script version with one set of limits. Each call rents an engine for its whole duration, so a
/// runaway or awaiting call never blocks another one: the next call simply takes (or builds) another engine.
/// At most <see cref="JsLimits.MaxEngines"/> are rented at once; idle ones beyond a small number are dropped.
/// </summary>
internal sealed class JsRuntimePool
{
    private static readonly int MaxIdle = Math.Max(4, Environment.ProcessorCount * 2);
    private readonly Func<JsRuntime> _factory;
    private readonly ConcurrentQueue<JsRuntime> _idle = new();
    private readonly SemaphoreSlim _slots;
    private int _idleCount;
    private volatile bool _retired;

    public JsRuntimePool(JsLimits limits, Func<JsRuntime> factory)
    {
        Limits = limits;
        _factory = factory;
        _slots = new SemaphoreSlim(limits.MaxEngines, limits.MaxEngines);
    }

    public JsLimits Limits { get; }

    /// <summary>Rents an engine; builds one when none is idle. Waits only when <see cref="JsLimits.MaxEngines"/> are busy.</summary>
    public ValueTask<JsRuntime> RentAsync(TimeSpan wait, CancellationToken cancellationToken)
    {
        return _slots.Wait(0) ? new ValueTask<JsRuntime>(TakeOrCreate()) : RentSlowAsync(wait, cancellationToken);
    }

    private async ValueTask<JsRuntime> RentSlowAsync(TimeSpan wait, CancellationToken cancellationToken)
    {
        if (!await _slots.WaitAsync(wait, cancellationToken).ConfigureAwait(false))
        {
            throw new HookCallException(HookFailureKind.Busy, $"all {Limits.MaxEngines} engines of the script stayed busy for {wait.TotalMilliseconds:0} ms", null);
        }

        return TakeOrCreate();
    }

    private JsRuntime TakeOrCreate()
    {
        if (_idle.TryDequeue(out var runtime))
        {
            Interlocked.Decrement(ref _idleCount);
            return runtime;
        }

        try
        {
            return _factory();
        }
        catch
        {
            _slots.Release();
            throw;
        }
    }

    /// <summary>Adds a ready engine that nobody rented (the one a load validated the script with).</summary>
    public void Seed(JsRuntime runtime)
    {
        Interlocked.Increment(ref _idleCount);
        _idle.Enqueue(runtime);
    }

    public void Return(JsRuntime runtime)
    {
        if (_retired || Interlocked.Increment(ref _idleCount) > MaxIdle)
        {
            if (!_retired)
            {
                Interlocked.Decrement(ref _idleCount);
            }

            runtime.Dispose();
        }
        else
        {
            _idle.Enqueue(runtime);
        }

        _slots.Release();
    }

    public void Discard(JsRuntime runtime)
    {
        runtime.Dispose();
        _slots.Release();
    }

    /// <summary>The script was replaced: drop idle engines now, and rented ones when they come back.</summary>
    public void Retire()
    {
        _retired = true;
        while (_idle.TryDequeue(out var runtime))
        {
            Interlocked.Decrement(ref _idleCount);
            runtime.Dispose();
        }
    }
}
