using System.Text;

namespace Lkm.Host.Configuration;

/// <summary>
/// The markdown table of every host key (<c>--print-config-reference</c>); README's configuration
/// reference is this text, and a test keeps it so.
/// </summary>
public static class ConfigReference
{
    public static string ToMarkdown()
    {
        var text = new StringBuilder();
        text.Append("| key | default | values | meaning |\n");
        text.Append("|---|---|---|---|\n");
        foreach (var key in ConfigKeys.All)
        {
            text.Append($"| `{key.Path}` | {key.DefaultMarkdown} | {key.Values} | {key.Meaning} |\n");
        }

        return text.ToString();
    }
}
