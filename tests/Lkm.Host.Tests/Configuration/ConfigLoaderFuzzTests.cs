using Lkm.Host.Configuration;
using Lkm.Testing;

namespace Lkm.Host.Tests.Configuration;

/// <summary>Mutated config files never crash the loader: they load, or fail with a positioned ConfigException.</summary>
public sealed class ConfigLoaderFuzzTests
{
    private const string Alphabet = " \n\t:-#[]{}\"'&*!|>%@`,?0123456789abcdefghijklmnopqrstuvwxyz.";

    [Fact]
    public void Mutated_config_loads_or_fails_with_a_config_exception()
    {
        string shipped = File.ReadAllText(Path.Combine(RepoPaths.Root, "lkm.yaml"));
        var random = new Random(2026);
        int failures = 0;
        for (int i = 0; i < 3000; i++)
        {
            var chars = shipped.ToCharArray();
            int edits = random.Next(1, 6);
            for (int e = 0; e < edits; e++)
            {
                chars[random.Next(chars.Length)] = Alphabet[random.Next(Alphabet.Length)];
            }

            string yaml = new(chars);
            try
            {
                ConfigLoader.Parse(yaml, "fuzz.yaml");
            }
            catch (ConfigException ex)
            {
                failures++;
                Assert.StartsWith("fuzz.yaml:", ex.Message, StringComparison.Ordinal);
            }
        }

        // Most single-character edits break something; the loader must have noticed.
        Assert.True(failures > 300, $"only {failures} of 3000 mutated files were refused");
    }
}
