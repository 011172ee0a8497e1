namespace Lkm.Host.Tests.Support;

/// <summary>Tests that count every thread's allocations: run alone, after the parallel ones.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AllocationCollection
{
    public const string Name = "allocation counting";
}
