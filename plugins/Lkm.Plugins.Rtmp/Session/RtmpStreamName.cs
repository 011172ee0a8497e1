using Microsoft.AspNetCore.WebUtilities;

namespace Lkm.Plugins.Rtmp.Session;

/// <summary>
/// Turns the connect app / tcUrl and the publish/play name into a stream id (<c>app/name</c>) and
/// the decoded URL query. Clients put the query on the stream name (ffmpeg, OBS) or on the app /
/// tcUrl (some encoders); all are merged, the stream name's keys winning.
/// </summary>
public sealed record RtmpStreamName(string StreamId, IReadOnlyDictionary<string, string> Query)
{
    public static bool TryParse(string? app, string? tcUrl, string? name, out RtmpStreamName result)
    {
        var query = new Dictionary<string, string>(StringComparer.Ordinal);
        SplitQuery(tcUrl ?? string.Empty, query);
        string appPath = Trim(SplitQuery(app ?? string.Empty, query));
        string namePath = Trim(SplitQuery(name ?? string.Empty, query));

        if (namePath.Length == 0 || namePath.Contains("..", StringComparison.Ordinal))
        {
            result = new RtmpStreamName(string.Empty, query);
            return false;
        }

        result = new RtmpStreamName(appPath.Length == 0 ? namePath : appPath + "/" + namePath, query);
        return true;
    }

    /// <summary>Returns the part before '?' and adds the decoded query after it to <paramref name="query"/>.</summary>
    private static string SplitQuery(string value, Dictionary<string, string> query)
    {
        int mark = value.IndexOf('?', StringComparison.Ordinal);
        if (mark < 0)
        {
            return value;
        }

        foreach (var pair in QueryHelpers.ParseQuery(value[mark..]))
        {
            query[pair.Key] = pair.Value.ToString();
        }

        return value[..mark];
    }

    private static string Trim(string path) => path.Trim().Trim('/');
}
