namespace Lkm.Bench.Cli;

/// <summary>Bad command line: printed with the usage text, exit code 2.</summary>
public sealed class UsageException(string message) : Exception(message);
