using System.Text;
using System.Text.RegularExpressions;

namespace Lkm.Host.Routing;

/// <summary>
/// A stream-id pattern: <c>*</c> matches within one path segment, <c>**</c> matches across
/// segments (<c>live/**</c> = everything under live/), anything else matches itself.
/// </summary>
public sealed class RoutePattern
{
    private readonly Regex _regex;

    public RoutePattern(string pattern)
    {
        Pattern = pattern;
        var sb = new StringBuilder("^");
        for (int i = 0; i < pattern.Length; i++)
        {
            char c = pattern[i];
            if (c == '*' && i + 1 < pattern.Length && pattern[i + 1] == '*')
            {
                // "a/**" also matches "a" itself.
                if (sb.Length > 1 && sb[^1] == '/' && i + 2 == pattern.Length)
                {
                    sb.Length--;
                    sb.Append("(/.*)?");
                }
                else
                {
                    sb.Append(".*");
                }

                i++;
            }
            else if (c == '*')
            {
                sb.Append("[^/]*");
            }
            else
            {
                sb.Append(Regex.Escape(c.ToString()));
            }
        }

        sb.Append('$');
        _regex = new Regex(sb.ToString(), RegexOptions.CultureInvariant | RegexOptions.Compiled, TimeSpan.FromMilliseconds(100));
    }

    public string Pattern { get; }

    public bool IsMatch(string streamId) => _regex.IsMatch(streamId);

    public override string ToString() => Pattern;
}
