using System.Net;
using System.Net.Sockets;
using Lkm.Sdk.Plugins;
using Lkm.Sdk.Streaming;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Lkm.Plugins.Flv.Tests.Support;

/// <summary>The slice of the host a plugin sees, recorded for assertions.</summary>
internal sealed class TestPluginContext : IPluginContext
{
    private readonly CancellationTokenSource _shutdown = new();

    public TestPluginContext(IStreamHub hub, Dictionary<string, object>? config = null)
    {
        Hub = hub;
        Config = new TestPluginConfig(config ?? []);
    }

    public IPluginConfig Config { get; }

    public ILoggerFactory LoggerFactory { get; } = NullLoggerFactory.Instance;

    public IStreamHub Hub { get; }


    public CancellationToken ShuttingDown => _shutdown.Token;

    public Dictionary<string, Func<HttpContext, string, Task>> HttpSuffixes { get; } = new(StringComparer.OrdinalIgnoreCase);

    public List<ITransStreamFactory> TransStreamFactories { get; } = [];

    public IAsyncDisposable ListenTcp(string name, IPEndPoint endPoint, Func<Socket, CancellationToken, Task> onConnection) =>
        throw new NotSupportedException("the FLV plugin does not listen on TCP");

    public void MapHttpSuffix(string pathSuffix, Func<HttpContext, string, Task> handler) => HttpSuffixes.Add(pathSuffix, handler);

    public void AddTransStreamFactory(ITransStreamFactory factory) => TransStreamFactories.Add(factory);

    public void ShutDown() => _shutdown.Cancel();

    private sealed class TestPluginConfig(Dictionary<string, object> values) : IPluginConfig
    {
        public T Get<T>(string key, T defaultValue) =>
            values.TryGetValue(key, out var value) ? (T)Convert.ChangeType(value, typeof(T), System.Globalization.CultureInfo.InvariantCulture) : defaultValue;

        public IReadOnlyList<string> GetList(string key) => [];

        public Exception Error(string key, string message) => new ArgumentException($"flv.{key} {message}", key);
    }
}
