using Lkm.Testing;

namespace Lkm.Interop.Tests;

/// <summary>The real host refuses a bad lkm.yaml with the file, line and column of the problem — plugin sections included.</summary>
public sealed class StartupTests
{
    [Theory]
    [InlineData("server:\n  http: 0\nplugins:\n  rtmp:\n    port: 0\n    prot: 1935\n", 6, 5, "unknown key 'plugins.rtmp.prot'")]
    [InlineData("server:\n  http: 0\nplugins:\n  rtmp:\n    port: 0\n    chunk_size: 5\n", 6, 17, "plugins.rtmp.chunk_size")]
    [InlineData("server:\n  http: 0\nplugins:\n  flv:\n    cors: sometimes\n", 5, 11, "plugins.flv.cors")]
    [InlineData("server:\n  http: 0\ndefaults:\n  merge_write: fast\n", 4, 16, "defaults.merge_write")]
    public async Task Bad_config_stops_the_host_with_file_line_and_column(string yaml, int line, int column, string expected)
    {
        string path = Path.Combine(Path.GetTempPath(), $"lkm-bad-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(path, yaml, TestContext.Current.CancellationToken);
        try
        {
            var (code, output) = await HostProcess.RunExpectingExitAsync(path, TimeSpan.FromSeconds(30));
            Assert.Equal(2, code);
            Assert.Contains($"{path}:{line}:{column}:", output, StringComparison.Ordinal);
            Assert.Contains(expected, output, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
