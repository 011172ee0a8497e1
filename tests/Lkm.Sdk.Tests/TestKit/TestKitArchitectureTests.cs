using System.Reflection;
using System.Xml.Linq;
using Lkm.Sdk.Testing;
using Lkm.Testing;

namespace Lkm.Sdk.Tests.TestKit;

/// <summary>
/// Lkm.Sdk.Testing is meant to ship as a package for third-party plugin authors: it may build on the SDK only,
/// never on the host, a plugin or this repository's own test support.
/// </summary>
public sealed class TestKitArchitectureTests
{
    private static readonly Assembly Kit = typeof(RecordingPublisher).Assembly;

    [Fact]
    public void Test_kit_assembly_references_no_project_assembly_but_the_sdk()
    {
        var ours = Kit.GetReferencedAssemblies().Select(a => a.Name!).Where(n => n.StartsWith("Lkm.", StringComparison.Ordinal)).ToList();
        Assert.Equal(["Lkm.Sdk"], ours);
    }

    [Fact]
    public void Test_kit_project_references_only_the_sdk_project()
    {
        var project = XDocument.Load(RepoPaths.File("tests", "Lkm.Sdk.Testing", "Lkm.Sdk.Testing.csproj"));
        var references = project.Descendants("ProjectReference").Select(r => Path.GetFileName(r.Attribute("Include")!.Value.Replace('\\', '/'))).ToList();
        Assert.Equal(["Lkm.Sdk.csproj"], references);
    }

    [Fact]
    public void Test_kit_is_packable_with_public_documented_types()
    {
        var project = XDocument.Load(RepoPaths.File("tests", "Lkm.Sdk.Testing", "Lkm.Sdk.Testing.csproj"));
        Assert.Equal("Lkm.Sdk.Testing", project.Descendants("PackageId").Single().Value);
        Assert.Equal("true", project.Descendants("IsPackable").Single().Value);
        Assert.Equal("true", project.Descendants("GenerateDocumentationFile").Single().Value);
        Assert.All(Kit.GetExportedTypes(), t => Assert.StartsWith("Lkm.Sdk.Testing", t.Namespace, StringComparison.Ordinal));
        Assert.Contains(Kit.GetExportedTypes(), t => t.Name == "RawRtmpClient");
        Assert.Contains(Kit.GetExportedTypes(), t => t.Name == "TestHub");
        Assert.Contains(Kit.GetExportedTypes(), t => t.Name == "TestPluginContext");
    }
}
