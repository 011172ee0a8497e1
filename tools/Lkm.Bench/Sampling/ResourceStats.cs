namespace Lkm.Bench.Sampling;

/// <summary>CPU (in % of one core) and RSS of a process over the steady phase.</summary>
public sealed record ResourceStats(
    string Role,
    int Pid,
    int Samples,
    double CpuAvgPercent,
    double CpuMaxPercent,
    double RssAvgMiB,
    double RssMaxMiB,
    string? Error);
