using Lkm.Testing;

namespace Lkm.Interop.Tests.Support;

/// <summary>
/// A plugin built again from its project with another version number, into folders of its own (its output, its
/// intermediate files and the deploy step's target), so the checkout's build and the host's plugin folder are
/// left as they are. Built once per test run and shared.
/// </summary>
public static class RebuiltPlugin
{
    private static readonly Lazy<Task<string>> s_rtmp = new(() => BuildAsync("Lkm.Plugins.Rtmp", "0.1.1"));

    /// <summary>The RTMP plugin's folder as version 0.1.1 (the checkout builds 0.1.0).</summary>
    public static Task<string> RtmpAsync() => s_rtmp.Value;

    private static async Task<string> BuildAsync(string project, string version)
    {
        string root = Path.Combine(Path.GetTempPath(), $"lkm-rebuilt-{project}-{version}-{Environment.ProcessId}");
        string output = Path.Combine(root, "out") + "/";
        if (Directory.Exists(root))
        {
            Directory.Delete(root, recursive: true);
        }

        string dotnet = ExternalTools.Find("dotnet") ?? "dotnet";

        // --no-dependencies: the SDK is not rebuilt (the plugin keeps referencing the built one, as a rebuilt plugin
        // of the same SDK would). LkmRebuildDir/LkmRebuildVersion are read by plugins only (Directory.Build.props).
        var result = await ToolProcess.RunAsync(dotnet,
            [
                "build", RepoPaths.File("plugins", project, project + ".csproj"), "--no-dependencies", "-nologo", "-v", "q",
                "-nodeReuse:false", "-p:UseSharedCompilation=false", // no build server left running after the test
                "-c", RepoPaths.Configuration, $"-p:LkmRebuildVersion={version}", $"-p:LkmRebuildDir={root}/",
            ],
            TimeSpan.FromMinutes(3));
        Assert.True(result.ExitCode == 0, $"rebuilding {project} as {version} failed:\n{result.StdOut}\n{result.StdErr}");
        Assert.True(File.Exists(Path.Combine(output, project + ".dll")), $"no {project}.dll in {output}");
        return output;
    }
}
