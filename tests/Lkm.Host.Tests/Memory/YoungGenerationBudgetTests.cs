using Lkm.Host.Memory;

namespace Lkm.Host.Tests.Memory;

public class YoungGenerationBudgetTests
{
    [Fact]
    public void Collects_once_the_budget_is_allocated()
    {
        // Other tests allocate too, and the GC may run on its own: retry a few rounds until one is ours.
        for (int round = 0; round < 20; round++)
        {
            var budget = new YoungGenerationBudget(256 * 1024);

            int gen1Before = GC.CollectionCount(1);
            Churn(512 * 1024);
            if (budget.CollectIfSpent())
            {
                Assert.Equal(1, budget.Collections);
                Assert.True(GC.CollectionCount(1) > gen1Before, "the forced collection includes gen1");
                return;
            }
        }

        Assert.Fail("the budget never forced a collection");
    }

    [Fact]
    public void Does_not_collect_before_the_budget_is_spent()
    {
        var budget = new YoungGenerationBudget(1L << 40);
        Churn(64 * 1024);
        Assert.False(budget.CollectIfSpent());
        Assert.Equal(0, budget.Collections);
    }

    [Fact]
    public void Native_heap_trim_runs_where_glibc_is_present()
    {
        // Debian (CI and development) has glibc; elsewhere the call must quietly say it cannot.
        bool trimmed = NativeHeap.Trim();
        if (OperatingSystem.IsLinux() && File.Exists("/etc/debian_version"))
        {
            Assert.True(trimmed);
        }

        Assert.Equal(trimmed, NativeHeap.Trim());
    }

    private static void Churn(int bytes)
    {
        for (int allocated = 0; allocated < bytes; allocated += 1024)
        {
            GC.KeepAlive(new byte[1000]);
        }
    }
}
