namespace Lkm.Testing;

/// <summary>
/// ffmpeg/ffprobe lookup. Locally a missing tool skips the test with the reason; with CI=true it is a failure,
/// so a CI machine without ffmpeg cannot pass by skipping.
/// </summary>
public static class ExternalTools
{
    public static string Ffmpeg => Require("ffmpeg");

    public static string Ffprobe => Require("ffprobe");

    public static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>The tool's full path; skips (or fails on CI) when it is missing. <paramref name="neededFor"/> says which test needs it.</summary>
    public static string Require(string tool, string? neededFor = null)
    {
        string? path = Find(tool);
        if (path is not null)
        {
            return path;
        }

        string reason = $"{tool} is not installed (looked in PATH, /usr/bin and /usr/local/bin; apt-get install -y ffmpeg)"
            + (neededFor is null ? "" : "; " + neededFor);
        if (IsCi)
        {
            Assert.Fail(reason + " — CI=true, so this is a failure, not a skip");
        }

        Assert.Skip(reason);
        return "";
    }

    /// <summary>The tool's full path from PATH, then the usual install folders; null when it is nowhere.</summary>
    public static string? Find(string tool)
    {
        var dirs = (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Append("/usr/bin")
            .Append("/usr/local/bin");
        return dirs.Select(dir => Path.Combine(dir, tool)).FirstOrDefault(File.Exists);
    }
}
