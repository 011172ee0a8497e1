using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using Lkm.Testing;

namespace Lkm.Host.Tests;

/// <summary>
/// Who may import whom (DESIGN.md): the SDK imports nothing of ours, plugins import the SDK only,
/// the host never names a plugin. Checked on the built assemblies' references.
/// </summary>
public sealed class ArchitectureTests
{
    private static string HostBin => AppContext.BaseDirectory;

    [Fact]
    public void Sdk_references_no_other_project_assembly()
    {
        var refs = References(Path.Combine(HostBin, "Lkm.Sdk.dll"));
        Assert.DoesNotContain(refs, r => r.StartsWith("Lkm.", StringComparison.Ordinal));
    }

    [Fact]
    public void Host_references_no_plugin()
    {
        var refs = References(Path.Combine(HostBin, "Lkm.Host.dll"));
        Assert.Contains("Lkm.Sdk", refs);
        Assert.DoesNotContain(refs, r => r.StartsWith("Lkm.Plugins", StringComparison.Ordinal));
    }

    [Fact]
    public void Plugins_reference_the_sdk_only_and_do_not_ship_a_copy_of_it()
    {
        string pluginDir = Path.Combine(RepoPaths.Root, "host", "Lkm.Host", "bin", new DirectoryInfo(HostBin.TrimEnd('/')).Parent!.Name, "net10.0", "plugins");
        var folders = Directory.GetDirectories(pluginDir);
        Assert.Contains(folders, f => Path.GetFileName(f) == "Lkm.Plugins.Rtmp");
        Assert.Contains(folders, f => Path.GetFileName(f) == "Lkm.Plugins.Flv");
        foreach (string folder in folders)
        {
            string name = Path.GetFileName(folder);
            var refs = References(Path.Combine(folder, name + ".dll"));
            Assert.All(refs.Where(r => r.StartsWith("Lkm.", StringComparison.Ordinal)), r => Assert.Equal("Lkm.Sdk", r));
            Assert.False(File.Exists(Path.Combine(folder, "Lkm.Sdk.dll")), $"{name} ships its own Lkm.Sdk.dll: the SDK must be shared from the host");
        }
    }

    private static List<string> References(string assemblyPath)
    {
        using var stream = File.OpenRead(assemblyPath);
        using var pe = new PEReader(stream);
        var md = pe.GetMetadataReader();
        return md.AssemblyReferences.Select(h => md.GetString(md.GetAssemblyReference(h).Name)).ToList();
    }
}
