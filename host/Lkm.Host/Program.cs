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

LkmConfig config;
try
{
    config = ConfigLoader.Load(commandLine.ResolveConfigPath(), commandLine.Overrides);
}
catch (ConfigException ex)
{
    foreach (var error in ex.Errors)
    {
        Console.Error.WriteLine($"config error: {error.Message}");
    }

    return 2;
}

return await LkmServer.RunAsync(config, commandLine.Overrides);
