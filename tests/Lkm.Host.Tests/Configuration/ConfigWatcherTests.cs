using Lkm.Host.Configuration;
using Lkm.Host.Routing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Lkm.Host.Tests.Configuration;

public sealed class ConfigWatcherTests
{
    [Fact]
    public async Task Route_edits_apply_and_invalid_edits_keep_the_previous_version()
    {
        string dir = Path.Combine(Path.GetTempPath(), "lkm-watch-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        string path = Path.Combine(dir, "lkm.yaml");
        await File.WriteAllTextAsync(path, "routes:\n  - match: \"live/**\"\n    merge_write: 100ms\n", TestContext.Current.CancellationToken);
        var config = ConfigLoader.Load(path);
        var routes = new LiveRoutes(config.Routes);
        using var watcher = new ConfigWatcher(config, [], routes, NullLoggerFactory.Instance);
        Assert.Equal(100, routes.Resolve("live/a").MergeWriteMs);

        await File.WriteAllTextAsync(path, "routes:\n  - match: \"live/**\"\n    merge_write: 0\n    max_players: 5\n", TestContext.Current.CancellationToken);
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddSeconds(1));
        Assert.True(watcher.Check());
        Assert.Equal(0, routes.Resolve("live/a").MergeWriteMs);
        Assert.Equal(5, routes.Resolve("live/a").MaxPlayers);

        await File.WriteAllTextAsync(path, "routes:\n  - match: \"live/**\"\n    merge_wrte: 0\n", TestContext.Current.CancellationToken);
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddSeconds(2));
        Assert.False(watcher.Check());
        Assert.Equal(5, routes.Resolve("live/a").MaxPlayers);
    }

    [Fact]
    public async Task Edits_are_picked_up_by_polling_within_two_seconds()
    {
        string dir = Path.Combine(Path.GetTempPath(), "lkm-watch-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        string path = Path.Combine(dir, "lkm.yaml");
        await File.WriteAllTextAsync(path, "defaults:\n  max_players: 1\n", TestContext.Current.CancellationToken);
        var config = ConfigLoader.Load(path);
        var routes = new LiveRoutes(config.Routes);
        using var watcher = new ConfigWatcher(config, [], routes, NullLoggerFactory.Instance);

        await File.WriteAllTextAsync(path, "defaults:\n  max_players: 2\n", TestContext.Current.CancellationToken);
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddSeconds(1));
        var deadline = DateTime.UtcNow.AddSeconds(2);
        while (routes.Resolve("x").MaxPlayers != 2 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }

        Assert.Equal(2, routes.Resolve("x").MaxPlayers);
    }
}
