namespace Lkm.Interop.Tests.ApiSupport;

/// <summary>An HTTP-FLV player that keeps reading in the background until the server ends the response or it is disposed.</summary>
public sealed class FlvReader : IAsyncDisposable
{
    private readonly HttpClient _http = new() { Timeout = Timeout.InfiniteTimeSpan };
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource _firstBytes = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _bytes;
    private long _lastReadTicks;
    private long _longestGapTicks;

    private FlvReader(string url)
    {
        Ended = Task.Run(() => ReadAsync(url));
    }

    /// <summary>Completes when the server closes the stream (or the reader is disposed).</summary>
    public Task Ended { get; }

    public long Bytes => Interlocked.Read(ref _bytes);

    public byte[] Head { get; private set; } = [];

    /// <summary>The longest wait between two reads that brought bytes, since the first bytes or the last <see cref="ResetLongestGap"/>.</summary>
    public TimeSpan LongestGap => TimeSpan.FromTicks(Interlocked.Read(ref _longestGapTicks));

    /// <summary>Starts measuring <see cref="LongestGap"/> afresh from now.</summary>
    public void ResetLongestGap()
    {
        Interlocked.Exchange(ref _lastReadTicks, DateTime.UtcNow.Ticks);
        Interlocked.Exchange(ref _longestGapTicks, 0);
    }

    public static async Task<FlvReader> StartAsync(string url)
    {
        var reader = new FlvReader(url);
        await Task.WhenAny(reader._firstBytes.Task, reader.Ended).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(reader._firstBytes.Task.IsCompleted, "the HTTP-FLV player got no bytes");
        return reader;
    }

    private async Task ReadAsync(string url)
    {
        try
        {
            using var response = await _http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, _stop.Token);
            response.EnsureSuccessStatusCode();
            await using var body = await response.Content.ReadAsStreamAsync(_stop.Token);
            var buffer = new byte[64 * 1024];
            int n;
            while ((n = await body.ReadAsync(buffer, _stop.Token)) > 0)
            {
                if (Head.Length == 0)
                {
                    Head = buffer[..Math.Min(n, 16)];
                }

                long now = DateTime.UtcNow.Ticks;
                long last = Interlocked.Exchange(ref _lastReadTicks, now);
                if (last != 0 && now - last > Interlocked.Read(ref _longestGapTicks))
                {
                    Interlocked.Exchange(ref _longestGapTicks, now - last);
                }

                Interlocked.Add(ref _bytes, n);
                _firstBytes.TrySetResult();
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or HttpRequestException or IOException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await Ended.WaitAsync(TimeSpan.FromSeconds(5));
        _http.Dispose();
        _stop.Dispose();
    }
}
