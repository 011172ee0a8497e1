namespace Lkm.Host;

/// <summary>
/// <c>Lkm.Host [--config lkm.yaml] [--set key.path=value]...</c>; <c>--set</c> overrides any scalar of
/// lkm.yaml (e.g. <c>--set server.http=18080 --set plugins.rtmp.port=19350</c>, as the tests do).
/// <c>--print-config-reference</c> prints every host key with its default (the table in README).
/// </summary>
public sealed record CommandLine(string? ConfigPath, IReadOnlyList<KeyValuePair<string, string>> Overrides, bool Help)
{
    public const string Usage = """
        Usage: Lkm.Host [--config <lkm.yaml>] [--set <key.path>=<value>]... | --print-config-reference
          --config   the config file (default: ./lkm.yaml, else the one beside the binary or in a parent folder)
          --set      override one value of the config, e.g. --set server.http=18080 --set plugins.rtmp.port=19350
          --print-config-reference
                     print every key of the host with its default, values and meaning (markdown)
        """;

    /// <summary>Print the config reference and exit.</summary>
    public bool PrintReference { get; init; }

    public static CommandLine Parse(string[] args)
    {
        string? config = null;
        var overrides = new List<KeyValuePair<string, string>>();
        for (int i = 0; i < args.Length; i++)
        {
            string arg = args[i];
            switch (arg)
            {
                case "-h" or "--help":
                    return new CommandLine(null, [], true);
                case "--print-config-reference":
                    return new CommandLine(null, [], false) { PrintReference = true };
                case "--config" or "-c" when i + 1 < args.Length:
                    config = args[++i];
                    break;
                case "--set" when i + 1 < args.Length:
                    string pair = args[++i];
                    int eq = pair.IndexOf('=');
                    if (eq <= 0)
                    {
                        throw new ArgumentException($"--set expects key.path=value, not '{pair}'");
                    }

                    overrides.Add(new(pair[..eq], pair[(eq + 1)..]));
                    break;
                default:
                    throw new ArgumentException($"unknown argument '{arg}'");
            }
        }

        return new CommandLine(config, overrides, false);
    }

    /// <summary>Finds lkm.yaml: the current folder, then beside the binary and its parents (so <c>dotnet run</c> from anywhere in the repo works).</summary>
    public string ResolveConfigPath()
    {
        if (ConfigPath is not null)
        {
            return ConfigPath;
        }

        if (File.Exists("lkm.yaml"))
        {
            return Path.GetFullPath("lkm.yaml");
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "lkm.yaml");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return "lkm.yaml";
    }
}
