using System.Runtime.InteropServices;
using Lkm.Bench.Cli;

// Socket continuations run on the socket engine's event threads instead of hopping to the thread pool:
// for thousands of players that each wake a few times a second to parse a few headers, the hop (queueing,
// waking a worker) cost more than the work. Read by the runtime at the first socket use, so it is set
// before anything else; an explicit value in the environment (e.g. 0) wins.
if (Environment.GetEnvironmentVariable(InlineCompletions) is null)
{
    Environment.SetEnvironmentVariable(InlineCompletions, "1");
}

// Ctrl+C or SIGTERM ends the run early; the report is still printed.
using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
{
    context.Cancel = true;
    stop.Cancel();
});

try
{
    return args.FirstOrDefault() switch
    {
        "play" => await Commands.PlayAsync(args.Skip(1), stop.Token),
        "publish" => await Commands.PublishAsync(args.Skip(1), stop.Token),
        "-h" or "--help" or "help" => Help(Commands.ExitHealthy),
        _ => Help(Commands.ExitUsage),
    };
}
catch (UsageException ex)
{
    Console.Error.WriteLine("error: " + ex.Message);
    return Help(Commands.ExitUsage);
}
catch (Exception ex) when (ex is not OutOfMemoryException)
{
    Console.Error.WriteLine("error: " + ex.Message);
    return Commands.ExitError;
}

static int Help(int exitCode)
{
    Console.Error.WriteLine(Usage.Text);
    return exitCode;
}

internal static partial class Program
{
    private const string InlineCompletions = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";
}
