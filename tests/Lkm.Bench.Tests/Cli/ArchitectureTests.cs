using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace Lkm.Bench.Tests.Cli;

/// <summary>The bench is a client of the protocols, not of the server: of our assemblies it uses the SDK only.</summary>
public sealed class ArchitectureTests
{
    [Fact]
    public void Bench_references_no_project_assembly_but_the_sdk()
    {
        using var stream = File.OpenRead(typeof(Lkm.Bench.Play.PlayRunner).Assembly.Location);
        using var pe = new PEReader(stream);
        var md = pe.GetMetadataReader();
        var ours = md.AssemblyReferences.Select(h => md.GetString(md.GetAssemblyReference(h).Name))
            .Where(name => name.StartsWith("Lkm.", StringComparison.Ordinal))
            .ToArray();

        Assert.Equal(["Lkm.Sdk"], ours);
    }
}
