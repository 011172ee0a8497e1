using System.Buffers;
using System.Globalization;
using System.Text;
using Lkm.Bench.Net;

namespace Lkm.Bench.Http;

/// <summary>An HTTP/1.x response status line and headers (parsed once per player, so plain strings are fine).</summary>
public sealed class HttpResponseHead
{
    /// <summary>Largest response head accepted.</summary>
    public const int MaxLength = 16 * 1024;

    private static ReadOnlySpan<byte> HeadEnd => "\r\n\r\n"u8;

    private readonly List<KeyValuePair<string, string>> _headers;

    private HttpResponseHead(int status, string reason, List<KeyValuePair<string, string>> headers)
    {
        Status = status;
        Reason = reason;
        _headers = headers;
    }

    public int Status { get; }

    public string Reason { get; }

    public IReadOnlyList<KeyValuePair<string, string>> Headers => _headers;

    public bool IsChunked => Header("Transfer-Encoding")?.Contains("chunked", StringComparison.OrdinalIgnoreCase) == true;

    public string? Header(string name) => _headers.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value;

    /// <summary>Consumes the head through its blank line; false (nothing consumed) = incomplete; <see cref="TransportFormatException"/> = not HTTP.</summary>
    public static bool TryParse(ref SequenceReader<byte> reader, out HttpResponseHead head)
    {
        head = null!;
        if (!reader.TryReadTo(out ReadOnlySequence<byte> bytes, HeadEnd, advancePastDelimiter: true))
        {
            if (reader.Remaining > MaxLength)
            {
                throw new TransportFormatException($"HTTP response head longer than {MaxLength} bytes");
            }

            return false;
        }

        if (bytes.Length > MaxLength)
        {
            throw new TransportFormatException($"HTTP response head longer than {MaxLength} bytes");
        }

        head = Parse(Encoding.Latin1.GetString(bytes));
        return true;
    }

    private static HttpResponseHead Parse(string text)
    {
        var lines = text.Split("\r\n");
        var status = lines[0].Split(' ', 3);
        if (status.Length < 2 || !status[0].StartsWith("HTTP/1.", StringComparison.Ordinal)
            || status[1].Length != 3 || !int.TryParse(status[1], NumberStyles.None, CultureInfo.InvariantCulture, out int code))
        {
            throw new TransportFormatException($"not an HTTP/1.x status line: '{Truncate(lines[0])}'");
        }

        var headers = new List<KeyValuePair<string, string>>();
        foreach (string line in lines.AsSpan(1))
        {
            int colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                throw new TransportFormatException($"malformed HTTP header line '{Truncate(line)}'");
            }

            headers.Add(new(line[..colon].Trim(), line[(colon + 1)..].Trim()));
        }

        return new HttpResponseHead(code, status.Length > 2 ? status[2] : "", headers);
    }

    private static string Truncate(string s) => s.Length <= 80 ? s : s[..80] + "...";
}
