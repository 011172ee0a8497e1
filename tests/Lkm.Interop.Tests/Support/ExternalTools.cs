namespace Lkm.Interop.Tests.Support;

/// <summary>
/// ffmpeg/ffprobe lookup. Locally a missing tool skips the test with the reason; with CI=true it is a failure.
/// </summary>
public static class ExternalTools
{
    public static string Ffmpeg => Require("ffmpeg");

    public static string Ffprobe => Require("ffprobe");

    public static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    public static string Require(string tool)
    {
        string? path = Find(tool);
        if (path is not null)
        {
            return path;
        }

        string reason = $"{tool} is not installed (apt-get install -y ffmpeg); interop tests need it";
        if (IsCi)
        {
            Assert.Fail(reason + " — CI=true, so this is a failure, not a skip");
        }

        Assert.Skip(reason);
        return "";
    }

    private static string? Find(string tool)
    {
        foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin").Split(Path.PathSeparator))
        {
            string candidate = Path.Combine(dir, tool);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
