namespace Lkm.Testing;

/// <summary>Paths in the checkout, for tests that read shipped files (lkm.yaml, scripts/) or run the built host.</summary>
public static class RepoPaths
{
    /// <summary>The checkout root: the folder holding Plugins.sln above the test's bin folder.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>Debug or Release: the configuration the running test assembly was built with (the host was built with it too).</summary>
    public static string Configuration { get; } = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd('/')).Parent!.Name;

    public static string HostDll => Path.Combine(Root, "host", "Lkm.Host", "bin", Configuration, "net10.0", "Lkm.Host.dll");

    public static string ShippedConfig => Path.Combine(Root, "lkm.yaml");

    /// <summary>A path below the checkout root.</summary>
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

        throw new InvalidOperationException("cannot find the repository root (Plugins.sln) above " + AppContext.BaseDirectory);
    }
}
