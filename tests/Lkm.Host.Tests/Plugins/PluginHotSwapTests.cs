using System.Net;
using System.Net.Sockets;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;
using System.Runtime.CompilerServices;
using Lkm.Host.Configuration;
using Lkm.Host.Networking;
using Lkm.Host.Plugins;
using Lkm.Host.Streaming;
using Lkm.Sdk.Testing;
using Lkm.Testing;
using Microsoft.Extensions.Logging;

namespace Lkm.Host.Tests.Plugins;

/// <summary>
/// Plugins swapped while the catalog runs, on the real built plugins in a temporary plugin folder: a folder added
/// later starts, a replaced one takes over the old version's port (the same socket: no connection refused) while
/// the old version drains its sessions and is then unloaded and collected, and a version that cannot load or start
/// is refused while the running one keeps serving.
/// </summary>
public sealed class PluginHotSwapTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string BuiltPlugins => RepoPaths.File("host", "Lkm.Host", "bin", RepoPaths.Configuration, "net10.0", "plugins");

    [Fact]
    public async Task A_folder_added_after_start_is_loaded_and_started_within_5_s()
    {
        await using var h = new Harness(watch: true);
        var catalog = await h.StartAsync();
        Assert.Empty(catalog.Plugins);

        var started = DateTime.UtcNow;
        h.CopyBuiltPlugin("Lkm.Plugins.Flv");
        await Eventually(() => catalog.Plugins.Any(p => p is { Name: "flv", State: PluginState.Running }), TimeSpan.FromSeconds(5));

        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(5));
        Assert.Contains(".flv", h.Router.Suffixes);
        Assert.NotNull(h.Registry.Find("flv"));
    }

    [Fact]
    public async Task A_replaced_plugin_takes_over_the_port_the_old_version_drains_then_is_unloaded_and_collected()
    {
        await using var h = new Harness();
        h.CopyBuiltPlugin("Lkm.Plugins.Rtmp");
        var catalog = await h.StartAsync(RtmpOnAnyPort);
        var (oldGeneration, port, oldContext) = Describe(catalog);
        Assert.True(oldContext.IsAlive);

        // A session on the old version: a connection that has not finished its handshake.
        using var oldSession = await ConnectAsync(port);
        await Eventually(() => Version(catalog, oldGeneration).LiveSessions == 1, TimeSpan.FromSeconds(5));

        h.CopyBuiltPlugin("Lkm.Plugins.Rtmp"); // the same files again, newer on disk: a new version to load
        var swapped = await catalog.ApplyFolderAsync(Path.Combine(h.Dir, "Lkm.Plugins.Rtmp"));

        Assert.NotNull(swapped);
        Assert.Equal(PluginState.Running, swapped.State);
        Assert.NotEqual(oldGeneration, swapped.Generation);
        Assert.Equal(port, Assert.Single(swapped.Context!.Listeners).EndPoint.Port); // handed over, same port
        var old = Version(catalog, oldGeneration);
        Assert.Equal(PluginState.Draining, old.State);
        Assert.Equal(1, old.LiveSessions);
        Assert.Equal(1, catalog.Swaps);

        // New connections reach the new version; the old one's session goes on until it ends.
        using (var fresh = await ConnectAsync(port))
        {
            await Eventually(() => swapped.LiveSessions == 1, TimeSpan.FromSeconds(5));
            Assert.Equal(PluginState.Draining, old.State);
        }

        oldSession.Dispose();
        await Eventually(() => { catalog.UnloadDrained(); return old.State == PluginState.Unloaded; }, TimeSpan.FromSeconds(10));
        Assert.Null(old.Context);
        Assert.Contains(h.Logs.Entries, e => e.Message.Contains($"(generation {oldGeneration}) unloaded", StringComparison.Ordinal));
        Assert.False(Directory.Exists(old.ShadowFolder));
        await Eventually(() => { Collect(); return !oldContext.IsAlive; }, TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_removed_folder_drains_and_unloads_its_plugin()
    {
        await using var h = new Harness();
        h.CopyBuiltPlugin("Lkm.Plugins.Rtmp");
        var catalog = await h.StartAsync(RtmpOnAnyPort);
        var (generation, port, _) = Describe(catalog);
        using var session = await ConnectAsync(port);
        await Eventually(() => Version(catalog, generation).LiveSessions == 1, TimeSpan.FromSeconds(5));

        string folder = Path.Combine(h.Dir, "Lkm.Plugins.Rtmp");
        Directory.Delete(folder, recursive: true);
        await catalog.RemoveFolderAsync(folder);

        var plugin = Version(catalog, generation);
        Assert.Equal(PluginState.Draining, plugin.State);
        var refused = await Assert.ThrowsAnyAsync<SocketException>(async () => await ConnectAsync(port));
        Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);

        session.Dispose();
        await Eventually(() => { catalog.UnloadDrained(); return plugin.State == PluginState.Unloaded; }, TimeSpan.FromSeconds(10));
    }

    public static TheoryData<string> Refusals => ["corrupt dll", "other sdk major", "config errors", "start throws"];

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task A_version_that_cannot_load_or_start_is_refused_and_the_running_one_keeps_serving(string refusal)
    {
        using var occupied = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        occupied.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        occupied.Listen();
        int occupiedPort = ((IPEndPoint)occupied.LocalEndPoint!).Port;
        string nextSection = refusal switch
        {
            "config errors" => "  rtmp:\n    port: 0\n    chunk_sise: 4096\n",
            "start throws" => $"  rtmp:\n    port: {occupiedPort}\n", // StartAsync throws: its port is taken
            _ => RtmpOnAnyPort,
        };
        await using var h = new Harness(nextSections: nextSection);
        h.CopyBuiltPlugin("Lkm.Plugins.Rtmp");
        var catalog = await h.StartAsync(RtmpOnAnyPort);
        var (generation, port, _) = Describe(catalog);

        string folder = Path.Combine(h.Dir, "Lkm.Plugins.Rtmp");
        string dll = Path.Combine(folder, "Lkm.Plugins.Rtmp.dll");
        switch (refusal)
        {
            case "corrupt dll":
                var bytes = File.ReadAllBytes(dll);
                File.WriteAllBytes(dll, bytes.AsSpan(0, bytes.Length / 2).ToArray()); // a copy cut off half way
                break;
            case "other sdk major":
                h.CopyBuiltPlugin("Lkm.Plugins.Rtmp");
                SetReferencedMajor(dll, "Lkm.Sdk", (ushort)(SdkCompatibility.HostSdkVersion.Major + 1));
                break;
            default:
                h.CopyBuiltPlugin("Lkm.Plugins.Rtmp");
                break;
        }

        var result = await catalog.ApplyFolderAsync(folder);

        Assert.NotNull(result);
        Assert.Equal(PluginState.Failed, result.State);
        string expected = refusal switch
        {
            "corrupt dll" => "not a valid .NET assembly",
            "other sdk major" => "another major version",
            "config errors" => "unknown key 'plugins.rtmp.chunk_sise'",
            _ => "failed to start",
        };
        Assert.Contains(expected, result.Reason, StringComparison.Ordinal);
        Assert.Contains(h.Logs.AtLeast(LogLevel.Error), e => e.Message.Contains("refused", StringComparison.Ordinal) && e.Message.Contains(expected, StringComparison.Ordinal));
        Assert.Equal(1, catalog.RefusedLoads);
        Assert.Equal(0, catalog.Swaps);

        // The version before keeps its port and takes the next connection.
        var running = Version(catalog, generation);
        Assert.Equal(PluginState.Running, running.State);
        using var client = await ConnectAsync(port);
        await Eventually(() => running.LiveSessions == 1, TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void The_sdk_check_reads_the_referenced_version_without_loading()
    {
        string dll = Path.Combine(BuiltPlugins, "Lkm.Plugins.Rtmp", "Lkm.Plugins.Rtmp.dll");
        var host = SdkCompatibility.HostSdkVersion;
        Assert.Null(SdkCompatibility.Check(dll));
        Assert.Contains("another major version", SdkCompatibility.Check(dll, new Version(host.Major + 1, 0)), StringComparison.Ordinal);
        if (host.Major == 0)
        {
            // 0.x: a minor version is a major one.
            Assert.Contains("another major version", SdkCompatibility.Check(dll, new Version(0, host.Minor + 1)), StringComparison.Ordinal);
        }
        else if (host.Minor > 0)
        {
            Assert.Contains("newer than this server's", SdkCompatibility.Check(dll, new Version(host.Major, host.Minor - 1)), StringComparison.Ordinal);
        }
    }

    private const string RtmpOnAnyPort = "  rtmp:\n    port: 0\n";

    private static (int Generation, int Port, WeakReference Context) Describe(PluginCatalog catalog)
    {
        var plugin = Assert.Single(catalog.Plugins, p => p.State == PluginState.Running);
        return (plugin.Generation, Assert.Single(plugin.Context!.Listeners).EndPoint.Port, plugin.LoadContextReference!);
    }

    private static LoadedPlugin Version(PluginCatalog catalog, int generation) => catalog.Plugins.Single(p => p.Generation == generation);

    private static async Task<Socket> ConnectAsync(int port)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), Ct);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Collect()
    {
        for (int i = 0; i < 3; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
    }

    private static async Task Eventually(Func<bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the condition did not come true in time");
            await Task.Delay(20, Ct);
        }
    }

    /// <summary>Rewrites the major version of an assembly reference in place: the DLL as if built against another SDK.</summary>
    private static void SetReferencedMajor(string path, string referenceName, ushort major)
    {
        long offset;
        using (var stream = File.OpenRead(path))
        using (var pe = new PEReader(stream))
        {
            var reader = pe.GetMetadataReader();
            var handle = reader.AssemblyReferences.Single(r => reader.StringComparer.Equals(reader.GetAssemblyReference(r).Name, referenceName));
            int row = MetadataTokens.GetRowNumber(handle);

            // An AssemblyRef row starts with its MajorVersion (ECMA-335 II.22.5).
            offset = pe.PEHeaders.MetadataStartOffset + reader.GetTableMetadataOffset(TableIndex.AssemblyRef)
                + ((row - 1) * reader.GetTableRowSize(TableIndex.AssemblyRef));
        }

        using var file = File.OpenWrite(path);
        file.Position = offset;
        file.Write(BitConverter.GetBytes(major));
    }

    /// <summary>A temporary plugin folder and the catalog's collaborators.</summary>
    private sealed class Harness(bool watch = false, string? nextSections = null) : IAsyncDisposable
    {
        public string Dir { get; } = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "lkm-swap-" + Guid.NewGuid().ToString("N"))).FullName;

        public TestLoggerFactory Logs { get; } = new();

        public HttpSuffixRouter Router { get; } = new();

        public TransStreamRegistry Registry { get; } = new();

        public TestHub Hub { get; } = new();

        private PluginCatalog? Catalog { get; set; }

        /// <summary>Copies (or copies again, with newer times) a plugin folder from the host's build output.</summary>
        public void CopyBuiltPlugin(string folder)
        {
            string source = Path.Combine(BuiltPlugins, folder);
            Assert.True(Directory.Exists(source), $"{source} is missing: build host/Lkm.Host first");
            string target = Path.Combine(Dir, folder);
            Directory.CreateDirectory(target);
            foreach (string file in Directory.GetFiles(source))
            {
                string copy = Path.Combine(target, Path.GetFileName(file));
                File.Copy(file, copy, overwrite: true);
                File.SetLastWriteTimeUtc(copy, DateTime.UtcNow);
            }
        }

        public async Task<PluginCatalog> StartAsync(string pluginSections = "")
        {
            var config = Config(pluginSections);
            var options = new PluginCatalogOptions
            {
                Watch = watch,
                WatchInterval = TimeSpan.FromMilliseconds(100),
                DrainCheckInterval = TimeSpan.FromHours(1), // tests step it (UnloadDrained)
                ShadowDirectory = Path.Combine(Dir, "..", Path.GetFileName(Dir) + "-shadow"),
                ReloadConfig = nextSections is null ? null : () => Config(nextSections),
            };
            Catalog = new PluginCatalog(config, Hub, Router, Registry, Logs, CancellationToken.None, options);
            await Catalog.StartAllAsync(Ct);
            return Catalog;
        }

        private LkmConfig Config(string pluginSections) => ConfigLoader.Parse(
            $"""
            server:
              listen: 127.0.0.1
            plugins:
              dir: {Dir}

            """ + pluginSections + "\n", "test.yaml");

        public async ValueTask DisposeAsync()
        {
            if (Catalog is not null)
            {
                await Catalog.DisposeAsync();
            }

            foreach (string dir in new[] { Dir, Dir + "-shadow" })
            {
                try
                {
                    Directory.Delete(dir, recursive: true);
                }
                catch (IOException)
                {
                }
            }
        }
    }
}
