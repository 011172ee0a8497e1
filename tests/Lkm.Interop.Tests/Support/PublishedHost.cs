using System.Diagnostics;
using Lkm.Testing;

namespace Lkm.Interop.Tests.Support;

/// <summary>
/// The deployable folder, made once per test run by the README's command
/// (<c>dotnet publish -c Release host/Lkm.Host -o &lt;temp&gt;</c>) and shared by the deploy tests.
/// </summary>
public static class PublishedHost
{
    private static readonly Lazy<Task<PublishResult>> s_publish = new(PublishAsync);

    /// <summary>The publish folder; skips (or fails with CI=true) when <c>dotnet publish</c> cannot run here.</summary>
    public static async Task<string> FolderAsync()
    {
        var result = await s_publish.Value;
        if (result.Folder is not null)
        {
            return result.Folder;
        }

        string reason = "dotnet publish -c Release host/Lkm.Host failed, so the deployable folder cannot be tested: " + result.Error;
        if (ExternalTools.IsCi)
        {
            Assert.Fail(reason + " — CI=true, so this is a failure, not a skip");
        }

        Assert.Skip(reason);
        return "";
    }

    /// <summary>How long the publish took (reported in the test output).</summary>
    public static TimeSpan Elapsed { get; private set; }

    private static async Task<PublishResult> PublishAsync()
    {
        string folder = Path.Combine(Path.GetTempPath(), "lkm-publish-" + Guid.NewGuid().ToString("N"));
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = RepoPaths.Root,
        };

        // The test runner's MSBuild variables would point the child build at the runner's own SDK state.
        foreach (string key in psi.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            psi.Environment.Remove(key);
        }

        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        psi.Environment["DOTNET_NOLOGO"] = "1";
        foreach (string arg in new[] { "publish", "-c", "Release", Path.Combine("host", "Lkm.Host"), "-o", folder, "-nodeReuse:false", "-v", "quiet", "-nologo" })
        {
            psi.ArgumentList.Add(arg);
        }

        var clock = Stopwatch.StartNew();
        try
        {
            using var process = Process.Start(psi)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(8));
            Elapsed = clock.Elapsed;
            if (process.ExitCode != 0)
            {
                return new PublishResult(null, $"exit code {process.ExitCode}: {await stdout}{await stderr}");
            }
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or TimeoutException)
        {
            return new PublishResult(null, ex.Message);
        }

        // ~110 MB (self-contained): removed when the test run ends.
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
            }
        };
        return new PublishResult(folder, "");
    }

    /// <summary>Copies a folder recursively, file modes included (the executable stays executable).</summary>
    public static void Copy(string from, string to)
    {
        foreach (string dir in Directory.EnumerateDirectories(from, "*", SearchOption.AllDirectories))
        {
            Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, dir)));
        }

        Directory.CreateDirectory(to);
        foreach (string file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            File.Copy(file, Path.Combine(to, Path.GetRelativePath(from, file)));
        }
    }

    private sealed record PublishResult(string? Folder, string Error);
}
