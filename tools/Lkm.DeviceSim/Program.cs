using System.Runtime.InteropServices;
using Lkm.DeviceSim.Cli;
using Lkm.DeviceSim.Media;

// Ctrl+C or SIGTERM stops the devices; the summary is still logged.
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
        "gb28181" when args.Skip(1).Any(a => a is "-h" or "--help") => Help(Exit.Ok),
        "gb28181" => await GbCommand.RunAsync(args[1..], Console.Out, Console.Error, stop.Token),
        "-h" or "--help" or "help" => Help(Exit.Ok),
        null => Help(Exit.Usage),
        var verb => throw new UsageException($"unknown command '{verb}' (known: gb28181)"),
    };
}
catch (UsageException ex)
{
    Console.Error.WriteLine("error: " + ex.Message);
    Console.Error.WriteLine("(lkm-devicesim --help lists the options)");
    return Exit.Usage;
}
catch (FfmpegNotFoundException ex)
{
    Console.Error.WriteLine("error: " + ex.Message);
    return Exit.Error;
}
catch (Exception ex) when (ex is not OutOfMemoryException)
{
    Console.Error.WriteLine("error: " + ex.Message);
    return Exit.Error;
}

static int Help(int exitCode)
{
    // Asked for: stdout (to page or grep it); after a mistake: stderr.
    (exitCode == Exit.Ok ? Console.Out : Console.Error).WriteLine(Usage.Text);
    return exitCode;
}

internal static class Exit
{
    public const int Ok = 0;
    public const int Error = 1;
    public const int Usage = 2;
}
