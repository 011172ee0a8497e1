using BenchmarkDotNet.Attributes;
using Lkm.Host.Hooks;

namespace Lkm.Benchmarks.Hooks;

/// <summary>
/// Hook decisions per second on one thread: <c>on_publish</c> of the token script. <c>PublishDecision_*</c> go
/// through <c>ScriptStreamHooks.DecideAsync</c>, exactly what the stream hub awaits before accepting a publish;
/// <c>Engine_*</c> call <c>HookEngine.RunAsync</c> with the script handle and options resolved once. The calls
/// complete synchronously (the script returns a plain boolean), so each operation is one whole decision.
/// p50/p99 latency: <c>hook-latency</c> mode (see Program.cs), since BenchmarkDotNet reports no p99.
/// </summary>
[MemoryDiagnoser]
public class HookDecisionBenchmarks
{
    private TokenHookFixture _fixture = null!;

    [GlobalSetup]
    public void Setup()
    {
        _fixture = new TokenHookFixture();
        _fixture.Verify();
    }

    [GlobalCleanup]
    public void Cleanup() => _fixture.DisposeAsync().AsTask().GetAwaiter().GetResult();

    [Benchmark(Baseline = true)]
    public Task<HookDecision> PublishDecision_Allow() => _fixture.DecidePublish(_fixture.Allowed);

    [Benchmark]
    public Task<HookDecision> PublishDecision_Deny() => _fixture.DecidePublish(_fixture.Denied);

    [Benchmark]
    public Task<HookDecision> Engine_Allow() => _fixture.RunOnEngine(_fixture.Allowed);
}
