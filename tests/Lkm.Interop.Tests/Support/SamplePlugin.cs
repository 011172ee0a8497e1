using Lkm.Testing;

namespace Lkm.Interop.Tests.Support;

/// <summary>
/// The third-party sample plugin (samples/Lkm.Samples.MpegTs), built once per test run by samples/build.sh: the SDK
/// packed into the samples' local feed, the plugin built against that package into samples/out/Lkm.Samples.MpegTs.
/// </summary>
public static class SamplePlugin
{
    private static readonly Lazy<Task<string>> s_mpegTs = new(BuildAsync);

    /// <summary>The built plugin folder (the plugin DLL and its dependencies, without Lkm.Sdk.dll).</summary>
    public static Task<string> MpegTsAsync() => s_mpegTs.Value;

    /// <summary>Runs <c>samples/build.sh --test</c>: the sample's own tests, against the packed Lkm.Sdk.Testing; returns the exit code and output.</summary>
    public static async Task<ProcessResult> RunSampleTestsAsync()
    {
        await MpegTsAsync(); // one build.sh at a time: both write samples/packages and samples/out
        return await ToolProcess.RunAsync("bash", [RepoPaths.File("samples", "build.sh"), "--test"], TimeSpan.FromMinutes(8));
    }

    private static async Task<string> BuildAsync()
    {
        string script = RepoPaths.File("samples", "build.sh");
        var result = await ToolProcess.RunAsync("bash", [script], TimeSpan.FromMinutes(5));
        Assert.True(result.ExitCode == 0, $"samples/build.sh failed ({result.ExitCode}):\n{result.StdOut}\n{result.StdErr}");
        string folder = RepoPaths.File("samples", "out", "Lkm.Samples.MpegTs");
        Assert.True(File.Exists(Path.Combine(folder, "Lkm.Samples.MpegTs.dll")), $"no Lkm.Samples.MpegTs.dll in {folder}:\n{result.StdOut}");
        Assert.False(File.Exists(Path.Combine(folder, "Lkm.Sdk.dll")), "the plugin folder must not carry Lkm.Sdk.dll (the host shares its own)");
        return folder;
    }

    /// <summary>Copies <paramref name="from"/> to <paramref name="to"/> (a new folder), files and sub-folders.</summary>
    public static void CopyFolder(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (string file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            string target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target, overwrite: true);
        }
    }
}
