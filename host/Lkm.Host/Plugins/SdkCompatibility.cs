using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using Lkm.Sdk.Plugins;

namespace Lkm.Host.Plugins;

/// <summary>
/// Reads a plugin assembly's metadata, without loading it, to refuse what cannot work: a file that is not a .NET
/// assembly (a half-copied or corrupt DLL), one that does not reference the SDK, and one built against an SDK
/// this host does not carry. Semantic versioning: the major version must match (for 0.x, the minor too, as 0.x
/// minors may break), and a plugin may not need a newer minor than the host's (it could call what is missing).
/// </summary>
public static class SdkCompatibility
{
    private const string SdkName = "Lkm.Sdk";

    /// <summary>The SDK version this host shares with its plugins.</summary>
    public static Version HostSdkVersion { get; } = typeof(IProtocolPlugin).Assembly.GetName().Version ?? new Version(0, 0);

    /// <summary>Null when <paramref name="assemblyPath"/> can be loaded; otherwise why not, in words for the log.</summary>
    public static string? Check(string assemblyPath) => Check(assemblyPath, HostSdkVersion);

    public static string? Check(string assemblyPath, Version host)
    {
        Version? built;
        try
        {
            using var stream = File.OpenRead(assemblyPath);
            using var pe = new PEReader(stream);
            if (!pe.HasMetadata)
            {
                return "not a .NET assembly (no metadata)";
            }

            var reader = pe.GetMetadataReader();
            if (!reader.IsAssembly)
            {
                return "not a .NET assembly (a module without an assembly manifest)";
            }

            built = reader.AssemblyReferences
                .Select(reader.GetAssemblyReference)
                .Where(r => reader.StringComparer.Equals(r.Name, SdkName))
                .Select(r => r.Version)
                .FirstOrDefault();
        }
        catch (Exception ex) when (ex is BadImageFormatException or InvalidOperationException or IOException or UnauthorizedAccessException)
        {
            return $"not a valid .NET assembly ({ex.Message})";
        }

        if (built is null)
        {
            return $"does not reference {SdkName}: not an LKM.NET plugin";
        }

        bool sameMajor = built.Major == host.Major && (host.Major > 0 || built.Minor == host.Minor);
        if (!sameMajor)
        {
            return $"built against {SdkName} {Show(built)}, this server has {SdkName} {Show(host)} (another major version); rebuild the plugin against {Show(host)}";
        }

        if (built.Minor > host.Minor)
        {
            return $"built against {SdkName} {Show(built)}, newer than this server's {Show(host)}; update the server or rebuild the plugin against {Show(host)}";
        }

        return null;
    }

    private static string Show(Version v) => $"{v.Major}.{v.Minor}.{Math.Max(v.Build, 0)}";
}
