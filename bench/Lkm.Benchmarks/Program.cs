using BenchmarkDotNet.Running;
using Lkm.Benchmarks;
using Lkm.Benchmarks.Hooks;

// dotnet run -c Release --project bench/Lkm.Benchmarks -- --filter '*' --job short   (BenchmarkDotNet suites)
// dotnet run -c Release --project bench/Lkm.Benchmarks -- hook-latency [--seconds 10] (decisions/s and p50/p99/p999)
if (args.Length > 0 && args[0] == "hook-latency")
{
    return HookLatencyRun.Run(args[1..]);
}

BenchmarkSwitcher.FromAssembly(typeof(RtmpChunkParseBenchmarks).Assembly).Run(args);
return 0;
