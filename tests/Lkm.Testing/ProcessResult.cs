namespace Lkm.Testing;

/// <summary>How a tool run by <see cref="ToolProcess"/> ended: its exit code and everything it printed.</summary>
public sealed record ProcessResult(int ExitCode, string StdOut, string StdErr);
