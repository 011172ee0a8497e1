namespace Lkm.Host.Tests;

/// <summary>Paths in the checkout, for tests that read shipped files (lkm.yaml, scripts/) or built plugins.</summary>
internal static class RepoPaths
{
    /// <summary>The checkout root: the folder holding Plugins.sln above the test's bin folder.</summary>
    public static string Root { get; } = FindRoot();

    public static string File(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (System.IO.File.Exists(Path.Combine(dir.FullName, "Plugins.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("repository root (Plugins.sln) not found above " + AppContext.BaseDirectory);
    }
}
