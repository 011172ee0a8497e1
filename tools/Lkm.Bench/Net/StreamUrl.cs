namespace Lkm.Bench.Net;

/// <summary>
/// A play or publish URL: <c>rtmp://host[:port]/app/name[?query]</c>, <c>http://host[:port]/id.flv</c>
/// or <c>ws://host[:port]/id.flv</c>. <c>%d</c> anywhere in the path is replaced by the client index.
/// </summary>
public sealed record StreamUrl(StreamProtocol Protocol, string Host, int Port, string PathAndQuery)
{
    public static StreamUrl Parse(string text)
    {
        if (!Uri.TryCreate(text.Replace("%d", "__INDEX__", StringComparison.Ordinal), UriKind.Absolute, out var uri))
        {
            throw new FormatException($"'{text}' is not an absolute URL");
        }

        var protocol = uri.Scheme switch
        {
            "rtmp" => StreamProtocol.Rtmp,
            "http" => StreamProtocol.HttpFlv,
            "ws" => StreamProtocol.WsFlv,
            _ => throw new FormatException($"'{text}': only rtmp://, http:// (HTTP-FLV) and ws:// (WS-FLV) are supported"),
        };
        int port = uri.IsDefaultPort || uri.Port < 0 ? (protocol == StreamProtocol.Rtmp ? 1935 : 80) : uri.Port;
        string pathAndQuery = uri.GetComponents(UriComponents.PathAndQuery, UriFormat.UriEscaped).Replace("__INDEX__", "%d", StringComparison.Ordinal);
        if (pathAndQuery.Length <= 1)
        {
            throw new FormatException($"'{text}' has no stream path");
        }

        if (protocol == StreamProtocol.Rtmp)
        {
            string path = pathAndQuery.Split('?', 2)[0];
            if (path.Trim('/').Split('/').Length < 2)
            {
                throw new FormatException($"'{text}': an RTMP URL needs /app/name");
            }
        }

        return new StreamUrl(protocol, uri.Host, port, pathAndQuery);
    }

    /// <summary>The path and query of client <paramref name="index"/> (with <c>%d</c> replaced).</summary>
    public string PathFor(int index) => PathAndQuery.Replace("%d", index.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);

    public string HostHeader => Port == 80 ? Host : $"{Host}:{Port}";

    /// <summary>RTMP: the application (first path segment) and the stream name (the rest, query kept).</summary>
    public (string App, string StreamName) RtmpTarget(int index)
    {
        string full = PathFor(index).TrimStart('/');
        int slash = full.IndexOf('/', StringComparison.Ordinal);
        int query = full.IndexOf('?', StringComparison.Ordinal);
        if (slash < 0 || (query >= 0 && query < slash))
        {
            throw new FormatException($"RTMP path '{full}' has no /app/name");
        }

        return (full[..slash], full[(slash + 1)..]);
    }

    public string TcUrl(string app) => $"rtmp://{HostHeaderFor(1935)}/{app}";

    /// <summary>The URL client <paramref name="index"/> uses.</summary>
    public string Display(int index) => Format(PathFor(index));

    /// <summary>The URL as given (with <c>%d</c> kept).</summary>
    public override string ToString() => Format(PathAndQuery);

    private string Format(string path) => Protocol switch
    {
        StreamProtocol.Rtmp => $"rtmp://{HostHeaderFor(1935)}{path}",
        StreamProtocol.HttpFlv => $"http://{HostHeader}{path}",
        _ => $"ws://{HostHeader}{path}",
    };

    private string HostHeaderFor(int defaultPort) => Port == defaultPort ? Host : $"{Host}:{Port}";
}
