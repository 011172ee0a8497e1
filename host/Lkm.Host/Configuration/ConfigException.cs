namespace Lkm.Host.Configuration;

/// <summary>A bad lkm.yaml: names the file, line, column and key so the user can fix it.</summary>
public sealed class ConfigException : Exception
{
    public ConfigException(string file, long line, long column, string message)
        : base($"{file}:{line}:{column}: {message}")
    {
        File = file;
        Line = line;
        Column = column;
    }

    /// <summary>An error about a value that did not come from the file (a <c>--set</c> override), named by its origin.</summary>
    public ConfigException(string origin, string message)
        : base($"{origin}: {message}")
    {
        File = origin;
    }

    /// <summary>The file, or the override the value came from.</summary>
    public string File { get; }

    public long Line { get; }

    public long Column { get; }
}
