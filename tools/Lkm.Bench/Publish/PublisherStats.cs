namespace Lkm.Bench.Publish;

/// <summary>One publisher's counters (written by its own task only).</summary>
public sealed class PublisherStats(int index, string url)
{
    public int Index { get; } = index;

    public string Url { get; } = url;

    /// <summary>From TCP connect to NetStream.Publish.Start; null until publishing.</summary>
    public double? PublishStartMs { get; set; }

    public long Tags { get; set; }

    public long MediaBytes { get; set; }

    public int Loops { get; set; }

    /// <summary>How far behind its timestamps the publisher fell at worst (socket backpressure or CPU).</summary>
    public double MaxLateMs { get; set; }

    public double PublishedSeconds { get; set; }

    public string? Error { get; set; }

    public bool IsPublishing => PublishStartMs is not null;
}
