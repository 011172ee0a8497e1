namespace Lkm.Bench.Reporting;

/// <summary>The result of a <c>publish</c> run (also its JSON shape).</summary>
public sealed record PublishReport(
    string File,
    string Url,
    double FileKbps,
    int Publishers,
    int Publishing,
    int Failed,
    double? PublishStartP50Ms,
    double? PublishStartMaxMs,
    double TotalSentKbps,
    double MaxLateMs,
    IReadOnlyList<ErrorCount> Errors,
    IReadOnlyList<PublisherResult> PublisherResults);

public sealed record PublisherResult(int Index, string Url, double? PublishStartMs, long Tags, long MediaBytes, int Loops, double PublishedSeconds, double MaxLateMs, string? Error);
