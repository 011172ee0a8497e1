namespace Lkm.Host.Hooks;

/// <summary>A hook script that cannot be used: syntax error, or an error while running its top level.</summary>
public sealed class HookScriptException : Exception
{
    public HookScriptException(string file, int line, int column, string message, Exception? innerException = null)
        : base($"{file}:{line}:{column}: {message}", innerException)
    {
        File = file;
        Line = line;
        Column = column;
        Description = message;
    }

    /// <summary>Full path of the script.</summary>
    public string File { get; }

    /// <summary>1-based line, 0 when unknown.</summary>
    public int Line { get; }

    /// <summary>Column as the parser reports it, 0 when unknown.</summary>
    public int Column { get; }

    /// <summary>The error without the location prefix.</summary>
    public string Description { get; }

    internal HookScriptException Clone() => new(File, Line, Column, Description, InnerException);
}
