using Lkm.Host;
using Lkm.Host.Configuration;

CommandLine commandLine;
try
{
    commandLine = CommandLine.Parse(args);
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine(ex.Message);
    Console.Error.WriteLine(CommandLine.Usage);
    return 2;
}

if (commandLine.Help)
{
    Console.WriteLine(CommandLine.Usage);
    return 0;
}

if (commandLine.PrintReference)
{
    Console.Write(ConfigReference.ToMarkdown());
    return 0;
}

string configPath = commandLine.ResolveConfigPath();
try
{
    // Host sections, --set and (in RunAsync, before anything starts) every plugin's section: all errors reported together.
    var errors = new ConfigErrors();
    var config = ConfigLoader.Load(configPath, commandLine.Overrides, errors);
    return await LkmServer.RunAsync(config, commandLine.Overrides, errors);
}
catch (ConfigException ex)
{
    Console.Error.WriteLine($"{Path.GetFullPath(configPath)}: {ex.Errors.Count} {(ex.Errors.Count == 1 ? "error" : "errors")}");
    foreach (var error in ex.Errors)
    {
        Console.Error.WriteLine($"  {error.Message}");
    }

    return 2;
}
