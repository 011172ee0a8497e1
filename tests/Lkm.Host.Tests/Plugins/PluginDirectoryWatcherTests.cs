using Lkm.Host.Plugins;

namespace Lkm.Host.Tests.Plugins;

/// <summary>
/// The plugin directory watcher, stepped poll by poll: a folder is reported once its files were the same on two
/// polls in a row (a copy in progress is never reported), once per change, and a removed folder as removed.
/// </summary>
public sealed class PluginDirectoryWatcherTests : IDisposable
{
    private readonly string _dir = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "lkm-watch-" + Guid.NewGuid().ToString("N"))).FullName;
    private readonly List<string> _changed = [];
    private readonly List<string> _removed = [];

    [Fact]
    public async Task A_folder_is_reported_only_after_its_files_stopped_changing()
    {
        using var watcher = Watch();
        string folder = Path.Combine(_dir, "Lkm.Plugins.New");
        Directory.CreateDirectory(folder);
        string dll = Path.Combine(folder, "Lkm.Plugins.New.dll");

        // A copy in progress: half the file, a poll, the rest, a poll.
        await File.WriteAllBytesAsync(dll, new byte[1000], TestContext.Current.CancellationToken);
        await watcher.PollAsync();
        await using (var stream = new FileStream(dll, FileMode.Append))
        {
            stream.Write(new byte[1000]);
        }

        await watcher.PollAsync();
        Assert.Empty(_changed);

        // Unchanged since the last poll: settled, reported once.
        await watcher.PollAsync();
        Assert.Equal([folder], _changed);
        await watcher.PollAsync();
        Assert.Equal([folder], _changed);

        // Copied over again: reported again once settled.
        File.SetLastWriteTimeUtc(dll, DateTime.UtcNow.AddSeconds(5));
        await watcher.PollAsync();
        Assert.Single(_changed);
        await watcher.PollAsync();
        Assert.Equal([folder, folder], _changed);
        Assert.Empty(_removed);
    }

    [Fact]
    public async Task What_was_there_at_start_is_not_reported_an_empty_folder_waits_and_a_removed_one_is_reported()
    {
        string existing = Path.Combine(_dir, "Lkm.Plugins.Old");
        Directory.CreateDirectory(existing);
        File.WriteAllBytes(Path.Combine(existing, "Lkm.Plugins.Old.dll"), [1, 2, 3]);
        using var watcher = Watch();
        string empty = Directory.CreateDirectory(Path.Combine(_dir, "Lkm.Plugins.Empty")).FullName;

        await watcher.PollAsync();
        await watcher.PollAsync();
        Assert.Empty(_changed); // loaded at start; an empty folder is one being created

        Directory.Delete(existing, recursive: true);
        await watcher.PollAsync();
        Assert.Equal([existing], _removed);
        Directory.Delete(empty);
        await watcher.PollAsync();
        Assert.Equal([existing], _removed); // never reported, so never removed
    }

    private PluginDirectoryWatcher Watch() => new(
        _dir,
        folder => { _changed.Add(folder); return Task.CompletedTask; },
        folder => { _removed.Add(folder); return Task.CompletedTask; },
        TimeSpan.FromHours(1)); // the test polls

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
