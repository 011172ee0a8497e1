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

    public string File { get; }

    public long Line { get; }

    public long Column { get; }
}
