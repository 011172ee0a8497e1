namespace Lkm.Bench.Tests.Support;

public static class RepoPaths
{
    /// <summary>The checkout root (the folder holding Plugins.sln).</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>Debug or Release: the configuration this test assembly was built with (the host was built with it too).</summary>
    public static string Configuration { get; } = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd('/')).Parent!.Name;

    public static string HostDll => Path.Combine(Root, "host", "Lkm.Host", "bin", Configuration, "net10.0", "Lkm.Host.dll");

    public static string ShippedConfig => Path.Combine(Root, "lkm.yaml");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Plugins.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("cannot find the repository root (Plugins.sln) above " + AppContext.BaseDirectory);
    }
}
