using System.Net;
using System.Net.Sockets;
using Lkm.Host.Configuration;
using Lkm.Host.Networking;
using Lkm.Host.Plugins;
using Lkm.Host.Streaming;
using Lkm.Sdk.Testing;
using Lkm.Testing;
using Microsoft.Extensions.Logging;

namespace Lkm.Host.Tests.Plugins;

/// <summary>
/// The plugin catalog on a real plugin folder: the built plugins (copied from the host's output <c>plugins/</c>)
/// load and start, and what cannot be a plugin (no folder, no DLL, garbage bytes, no plugin type, disabled in the
/// config) is logged and skipped without stopping the others. Config mistakes in a plugin's section stop start-up
/// with their position.
/// </summary>
public sealed class PluginCatalogTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>The host's own output folder of built plugins (the host project builds them there).</summary>
    private static string BuiltPlugins => RepoPaths.File("host", "Lkm.Host", "bin", RepoPaths.Configuration, "net10.0", "plugins");

    [Fact]
    public async Task A_missing_plugin_directory_is_a_warning_and_nothing_is_served()
    {
        await using var h = new Harness();
        Directory.Delete(h.Dir);

        var catalog = await h.StartAsync();

        Assert.Empty(catalog.Plugins);
        Assert.Empty(h.Router.Suffixes);
        var warning = Assert.Single(h.Logs.AtLeast(LogLevel.Warning));
        Assert.Contains(h.Dir, warning.Message, StringComparison.Ordinal);
        Assert.Contains("does not exist", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_built_plugin_loads_starts_registers_and_stops()
    {
        await using var h = new Harness();
        h.AddBuiltPlugin("Lkm.Plugins.Flv");

        var catalog = await h.StartAsync();

        var flv = Assert.Single(catalog.Plugins);
        Assert.Equal("flv", flv.Name);
        Assert.Equal(PluginState.Running, flv.State);
        Assert.Equal(Path.Combine(h.Dir, "Lkm.Plugins.Flv", "Lkm.Plugins.Flv.dll"), flv.AssemblyPath);
        Assert.NotNull(flv.Version);
        Assert.Equal("Lkm.Plugins.Flv", flv.Instance!.GetType().Assembly.GetName().Name);
        Assert.Contains(".flv", h.Router.Suffixes);
        Assert.NotNull(h.Registry.Find("flv"));
        Assert.Contains(h.Logs.Entries, e => e.Level == LogLevel.Information && e.Message.StartsWith("Plugin flv ", StringComparison.Ordinal) && e.Message.Contains("started", StringComparison.Ordinal));
        Assert.Empty(h.Logs.AtLeast(LogLevel.Warning));

        await catalog.DisposeAsync();
        Assert.Equal(PluginState.Stopped, flv.State);
        Assert.DoesNotContain(".flv", h.Router.Suffixes);
    }

    [Fact]
    public async Task A_plugin_loads_in_its_own_context_sharing_the_sdk_with_the_host()
    {
        await using var h = new Harness();
        h.AddBuiltPlugin("Lkm.Plugins.Flv");

        var flv = Assert.Single((await h.StartAsync()).Plugins);

        var pluginAssembly = flv.Instance!.GetType().Assembly;
        Assert.NotSame(System.Runtime.Loader.AssemblyLoadContext.Default, System.Runtime.Loader.AssemblyLoadContext.GetLoadContext(pluginAssembly));
        Assert.IsAssignableFrom<Lkm.Sdk.Plugins.IProtocolPlugin>(flv.Instance!); // one IProtocolPlugin type for host and plugin
    }

    [Fact]
    public async Task The_rtmp_plugin_listens_on_the_port_of_its_config_section_until_the_catalog_is_disposed()
    {
        await using var h = new Harness();
        h.AddBuiltPlugin("Lkm.Plugins.Rtmp");

        var catalog = await h.StartAsync("""
              rtmp:
                port: 0
            """);

        var rtmp = Assert.Single(catalog.Plugins);
        Assert.Equal(("rtmp", PluginState.Running), (rtmp.Name, rtmp.State));
        var listener = Assert.Single(rtmp.Context!.Listeners);
        Assert.Equal(IPAddress.Loopback, listener.EndPoint.Address); // server.listen applies to a plugin binding "any"
        Assert.NotEqual(0, listener.EndPoint.Port);
        using (var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
        {
            await client.ConnectAsync(listener.EndPoint, Ct);
        }

        await catalog.DisposeAsync();
        using var late = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        var refused = await Assert.ThrowsAnyAsync<SocketException>(async () => await late.ConnectAsync(listener.EndPoint, Ct));
        Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);
    }

    [Fact]
    public async Task A_folder_without_a_plugin_dll_is_a_warning_and_the_others_still_load()
    {
        await using var h = new Harness();
        Directory.CreateDirectory(Path.Combine(h.Dir, "Lkm.Plugins.Empty"));
        h.AddFile("Lkm.Plugins.Two", "a.dll", [1]);
        h.AddFile("Lkm.Plugins.Two", "b.dll", [2]); // two candidates, none named after the folder: which one? neither
        h.AddBuiltPlugin("Lkm.Plugins.Flv");

        var catalog = await h.StartAsync();

        Assert.Equal(["flv"], catalog.Plugins.Select(p => p.Name));
        var warnings = h.Logs.AtLeast(LogLevel.Warning);
        Assert.Equal(2, warnings.Count);
        Assert.Contains(warnings, w => w.Message.Contains(Path.Combine(h.Dir, "Lkm.Plugins.Empty"), StringComparison.Ordinal) && w.Message.Contains("no plugin assembly", StringComparison.Ordinal));
        Assert.Contains(warnings, w => w.Message.Contains(Path.Combine(h.Dir, "Lkm.Plugins.Two"), StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_broken_dll_is_an_error_and_the_others_still_load()
    {
        await using var h = new Harness();
        var garbage = new byte[4096];
        new Random(3).NextBytes(garbage);
        h.AddFile("Lkm.Plugins.Broken", "Lkm.Plugins.Broken.dll", garbage);
        h.AddBuiltPlugin("Lkm.Plugins.Flv");

        var catalog = await h.StartAsync();

        // Refused before loading (its metadata is unreadable), listed as failed with why; the others serve.
        Assert.Equal([("Lkm.Plugins.Broken", PluginState.Failed), ("flv", PluginState.Running)], catalog.Plugins.Select(p => (p.Name, p.State)));
        Assert.Contains("not a valid .NET assembly", catalog.Plugins[0].Reason, StringComparison.Ordinal);
        var error = Assert.Single(h.Logs.AtLeast(LogLevel.Error));
        Assert.Contains(Path.Combine(h.Dir, "Lkm.Plugins.Broken", "Lkm.Plugins.Broken.dll"), error.Message, StringComparison.Ordinal);
        Assert.Contains("refused: not a valid .NET assembly", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_assembly_without_a_plugin_type_is_refused()
    {
        await using var h = new Harness();
        h.AddFile("YamlDotNet", "YamlDotNet.dll", File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "YamlDotNet.dll")));

        var catalog = await h.StartAsync();

        var refused = Assert.Single(catalog.Plugins);
        Assert.Equal(PluginState.Failed, refused.State);
        var error = Assert.Single(h.Logs.AtLeast(LogLevel.Error));
        Assert.Contains("does not reference Lkm.Sdk: not an LKM.NET plugin", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_plugin_disabled_in_the_config_is_not_started()
    {
        await using var h = new Harness();
        h.AddBuiltPlugin("Lkm.Plugins.Flv");

        var catalog = await h.StartAsync("""
              flv:
                enabled: false
                cors: false
            """);

        Assert.Empty(catalog.Plugins);
        Assert.Empty(h.Router.Suffixes);
        Assert.Null(h.Registry.Find("flv"));
        Assert.Contains(h.Logs.Entries, e => e.Message == "Plugin flv is disabled in the config");
        Assert.Empty(h.Logs.AtLeast(LogLevel.Warning)); // not "configured but missing"
    }

    [Fact]
    public async Task A_configured_plugin_that_is_not_installed_is_a_warning_unless_disabled()
    {
        await using var h = new Harness();
        h.AddBuiltPlugin("Lkm.Plugins.Flv");

        await h.StartAsync("""
              hls:
                segment: 2s
              rtsp:
                enabled: false
            """);

        var warning = Assert.Single(h.Logs.AtLeast(LogLevel.Warning));
        Assert.Equal($"plugins.hls is configured but no such plugin was found in {h.Dir}", warning.Message);
    }

    [Fact]
    public async Task An_unknown_key_in_a_plugin_section_stops_start_up_with_its_position_before_the_plugin_starts()
    {
        await using var h = new Harness();
        h.AddBuiltPlugin("Lkm.Plugins.Flv");

        var ex = await Assert.ThrowsAsync<ConfigException>(() => h.StartAsync("""
              flv:
                cors: true
                corz: false
            """));

        Assert.Equal("test.yaml", ex.File);
        Assert.Equal((7L, 5L), (ex.Line, ex.Column));
        Assert.Contains("unknown key 'plugins.flv.corz'", ex.Message, StringComparison.Ordinal);
        var flv = Assert.Single(h.Catalog!.Plugins);
        Assert.Equal(PluginState.Loaded, flv.State); // configured, never started
        Assert.Empty(h.Router.Suffixes);
    }

    [Fact]
    public async Task A_value_the_plugin_refuses_stops_start_up_with_the_position_of_the_value()
    {
        await using var h = new Harness();
        h.AddBuiltPlugin("Lkm.Plugins.Rtmp");

        var ex = await Assert.ThrowsAsync<ConfigException>(() => h.StartAsync("""
              rtmp:
                port: 70000
            """));

        Assert.Equal((6L, 11L), (ex.Line, ex.Column));
        Assert.Equal("test.yaml:6:11: 'plugins.rtmp.port' must be an integer between 0 and 65535, not '70000'", ex.Message);
        Assert.Equal(PluginState.Loaded, Assert.Single(h.Catalog!.Plugins).State);
    }

    [Fact]
    public async Task Every_plugin_is_configured_before_any_starts_so_errors_of_all_sections_come_together_and_nothing_listens()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        int port = ((IPEndPoint)probe.LocalEndPoint!).Port;
        probe.Dispose(); // a free port the RTMP plugin would bind if it started
        await using var h = new Harness();
        h.AddBuiltPlugin("Lkm.Plugins.Flv");
        h.AddBuiltPlugin("Lkm.Plugins.Rtmp");

        var ex = await Assert.ThrowsAsync<ConfigException>(() => h.StartAsync($"""
              flv:
                cors: sometimes
              rtmp:
                port: {port}
                listen: nowhere
                prot: 1
            """));

        Assert.Equal(
            [
                "test.yaml:6:11: 'plugins.flv.cors' must be true or false, not 'sometimes'",
                "test.yaml:9:13: 'plugins.rtmp.listen' must be an IP address, not 'nowhere'",
                "test.yaml:10:5: unknown key 'plugins.rtmp.prot'",
            ],
            ex.Errors.Select(e => e.Message));
        Assert.All(h.Catalog!.Plugins, p => Assert.Equal(PluginState.Loaded, p.State));
        Assert.All(h.Catalog.Plugins, p => Assert.Empty(p.Context!.Listeners));
        Assert.Empty(h.Router.Suffixes);
        using var late = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        var refused = await Assert.ThrowsAnyAsync<SocketException>(async () => await late.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), Ct));
        Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);
    }

    [Fact]
    public async Task A_plugin_whose_port_is_taken_fails_start_up_naming_the_port()
    {
        using var other = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        other.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        other.Listen(1);
        int port = ((IPEndPoint)other.LocalEndPoint!).Port;
        await using var h = new Harness();
        h.AddBuiltPlugin("Lkm.Plugins.Rtmp");

        var ex = await Assert.ThrowsAsync<PortInUseException>(() => h.StartAsync($"""
              rtmp:
                port: {port}
            """));

        Assert.StartsWith($"port {port} is already in use: rtmp cannot listen on 127.0.0.1:{port}", ex.Message, StringComparison.Ordinal);
        Assert.IsType<SocketException>(ex.InnerException);
        Assert.Equal(PluginState.Failed, Assert.Single(h.Catalog!.Plugins).State);

        // The server's one fatal line says it (LkmServer); no error with a stack trace before it.
        Assert.DoesNotContain(h.Logs.AtLeast(LogLevel.Error), e => e.Message == "Plugin rtmp failed to start");
    }

    /// <summary>
    /// A temporary plugin folder and the catalog's collaborators; the one place the catalog is constructed,
    /// so a change of its constructor (e.g. to dependency injection) is one edit.
    /// </summary>
    private sealed class Harness : IAsyncDisposable
    {
        public Harness()
        {
            Dir = Path.Combine(Path.GetTempPath(), "lkm-catalog-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(Dir);
        }

        public string Dir { get; }

        public TestLoggerFactory Logs { get; } = new();

        public HttpSuffixRouter Router { get; } = new();

        public TransStreamRegistry Registry { get; } = new();

        public TestHub Hub { get; } = new();

        public PluginCatalog? Catalog { get; private set; }

        /// <summary>Copies a plugin folder from the host's build output.</summary>
        public void AddBuiltPlugin(string folder)
        {
            string source = Path.Combine(BuiltPlugins, folder);
            Assert.True(Directory.Exists(source), $"{source} is missing: build host/Lkm.Host first");
            string target = Path.Combine(Dir, folder);
            Directory.CreateDirectory(target);
            foreach (string file in Directory.GetFiles(source))
            {
                File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
            }
        }

        public void AddFile(string folder, string name, byte[] bytes)
        {
            Directory.CreateDirectory(Path.Combine(Dir, folder));
            File.WriteAllBytes(Path.Combine(Dir, folder, name), bytes);
        }

        /// <summary>
        /// Builds the config (listen on loopback, plugin dir = <see cref="Dir"/>, then <paramref name="pluginSections"/>
        /// indented under <c>plugins:</c>; its first line is line 5 of test.yaml) and starts every plugin.
        /// </summary>
        public async Task<PluginCatalog> StartAsync(string pluginSections = "")
        {
            string yaml = $"""
                server:
                  listen: 127.0.0.1
                plugins:
                  dir: {Dir}

                """ + pluginSections + "\n";
            var config = ConfigLoader.Parse(yaml, "test.yaml");
            Catalog = new PluginCatalog(config, Hub, Router, Registry, Logs, CancellationToken.None);
            await Catalog.StartAllAsync(Ct);
            return Catalog;
        }

        public async ValueTask DisposeAsync()
        {
            if (Catalog is not null)
            {
                await Catalog.DisposeAsync();
            }

            try
            {
                Directory.Delete(Dir, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}
