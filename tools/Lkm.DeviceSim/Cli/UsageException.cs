namespace Lkm.DeviceSim.Cli;

/// <summary>A bad command line: printed with a pointer to --help, exit code 2.</summary>
public sealed class UsageException(string message) : Exception(message);
