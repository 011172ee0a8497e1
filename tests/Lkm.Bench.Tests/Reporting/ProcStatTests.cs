using Lkm.Bench.Sampling;

namespace Lkm.Bench.Tests.Reporting;

public sealed class ProcStatTests
{
    [Fact]
    public void Cpu_ticks_are_utime_plus_stime_even_when_the_command_name_has_spaces_and_parentheses()
    {
        const string stat = "1234 (my (odd) proc) S 1 1234 1234 0 -1 4194560 1000 0 0 0 250 75 0 0 20 0 12 0 100 1000000 500 18446744073709551615";

        Assert.Equal(325, ProcStat.ParseCpuTicks(stat));
    }

    [Fact]
    public void Rss_comes_from_VmRSS_with_tabs()
    {
        const string status = "Name:\tLkm.Host\nVmPeak:\t  300000 kB\nVmRSS:\t   81234 kB\nThreads:\t12\n";

        Assert.Equal(81234, ProcStat.ParseRssKiB(status));
    }

    [Fact]
    public void The_own_process_can_be_read()
    {
        var own = ProcStat.TryRead(Environment.ProcessId);

        Assert.NotNull(own);
        Assert.True(own.Value.RssKiB > 1024, "RSS of a .NET process is more than 1 MiB");
    }
}
