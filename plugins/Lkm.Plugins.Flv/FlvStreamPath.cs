namespace Lkm.Plugins.Flv;

/// <summary>Turns the request path of an FLV play URL (<c>live/cam/1.flv</c>) into a stream id (<c>live/cam/1</c>).</summary>
internal static class FlvStreamPath
{
    public const string Suffix = ".flv";

    /// <summary>Longest stream id accepted; a bound so a hostile URL cannot become a huge key in the hub.</summary>
    public const int MaxStreamIdLength = 512;

    /// <summary>
    /// Extracts the stream id. Ids may contain several '/', but no empty segment, no "." or ".."
    /// segment, no backslash and no control character (they end up in logs, hooks and file names).
    /// </summary>
    public static bool TryGetStreamId(string path, out string streamId, out string error)
    {
        streamId = string.Empty;
        if (!path.EndsWith(Suffix, StringComparison.OrdinalIgnoreCase))
        {
            error = "path does not end with .flv";
            return false;
        }

        string id = path[..^Suffix.Length];
        if (id.Length == 0)
        {
            error = "empty stream id";
            return false;
        }

        if (id.Length > MaxStreamIdLength)
        {
            error = "stream id too long";
            return false;
        }

        foreach (char c in id)
        {
            if (char.IsControl(c) || c == '\\')
            {
                error = "stream id contains a control character or backslash";
                return false;
            }
        }

        foreach (var segment in id.Split('/'))
        {
            if (segment.Length == 0 || segment == "." || segment == "..")
            {
                error = "stream id has an empty, '.' or '..' segment";
                return false;
            }
        }

        streamId = id;
        error = string.Empty;
        return true;
    }
}
