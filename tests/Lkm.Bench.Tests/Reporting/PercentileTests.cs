using Lkm.Bench.Reporting;

namespace Lkm.Bench.Tests.Reporting;

public sealed class PercentileTests
{
    [Fact]
    public void Nearest_rank_percentiles()
    {
        double[] sorted = [.. Enumerable.Range(1, 100).Select(i => (double)i)];

        Assert.Equal(50, PlayReportBuilder.Percentile(sorted, 50));
        Assert.Equal(95, PlayReportBuilder.Percentile(sorted, 95));
        Assert.Equal(99, PlayReportBuilder.Percentile(sorted, 99));
        Assert.Equal(7, PlayReportBuilder.Percentile([7.0], 99));
    }
}
