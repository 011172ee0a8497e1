namespace Lkm.Host.Configuration;

/// <summary>A bad lkm.yaml: names the file, line, column and key so the user can fix it.</summary>
public sealed class ConfigException : Exception
{
    private readonly IReadOnlyList<ConfigException>? _errors;

    /// <param name="line">1-based; 0 = no position (e.g. the file is missing), and none is printed.</param>
    public ConfigException(string file, long line, long column, string message)
        : base(line > 0 ? $"{file}:{line}:{column}: {message}" : $"{file}: {message}")
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

    /// <summary>Several errors at once, one a line; position properties are those of the first.</summary>
    public ConfigException(IReadOnlyList<ConfigException> errors)
        : base(string.Join('\n', errors.Select(e => e.Message)))
    {
        File = errors[0].File;
        Line = errors[0].Line;
        Column = errors[0].Column;
        _errors = errors;
    }

    /// <summary>Every error this one stands for (itself alone unless the load found several).</summary>
    public IReadOnlyList<ConfigException> Errors => _errors ?? [this];

    /// <summary>The file, or the override the value came from.</summary>
    public string File { get; }

    public long Line { get; }

    public long Column { get; }
}
