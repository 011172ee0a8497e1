namespace Lkm.Sdk.Tests.Support;

/// <summary>Deterministic random and mutated inputs for parser property tests.</summary>
internal sealed class Mutator(int seed)
{
    private readonly Random _random = new(seed);

    public Random Random => _random;

    public byte[] RandomBytes(int maxLength)
    {
        var bytes = new byte[_random.Next(0, maxLength + 1)];
        _random.NextBytes(bytes);
        return bytes;
    }

    /// <summary>A copy of <paramref name="valid"/> with a few bit flips, byte overwrites, truncation or insertion.</summary>
    public byte[] Mutate(byte[] valid)
    {
        var bytes = new List<byte>(valid);
        int edits = _random.Next(1, 5);
        for (int i = 0; i < edits; i++)
        {
            switch (_random.Next(6))
            {
                case 0 when bytes.Count > 0:
                    int bit = _random.Next(bytes.Count * 8);
                    bytes[bit / 8] ^= (byte)(1 << (bit % 8));
                    break;
                case 1 when bytes.Count > 0:
                    bytes[_random.Next(bytes.Count)] = (byte)_random.Next(256);
                    break;
                case 2 when bytes.Count > 0:
                    bytes.RemoveRange(_random.Next(bytes.Count), 1);
                    break;
                case 3 when bytes.Count > 0:
                    int cut = _random.Next(bytes.Count);
                    bytes.RemoveRange(cut, bytes.Count - cut);
                    break;
                case 4:
                    bytes.Insert(_random.Next(bytes.Count + 1), (byte)_random.Next(256));
                    break;
                case 5 when bytes.Count > 0:
                    int at = _random.Next(bytes.Count);
                    byte fill = _random.Next(2) == 0 ? (byte)0x00 : (byte)0xFF;
                    for (int j = at; j < Math.Min(bytes.Count, at + _random.Next(1, 8)); j++)
                    {
                        bytes[j] = fill;
                    }

                    break;
            }
        }

        return [.. bytes];
    }

    /// <summary>Runs <paramref name="parse"/> and fails the test on any exception other than <typeparamref name="TAllowed"/>,
    /// or when one call allocates more than <paramref name="maxAllocatedBytes"/>.</summary>
    public static void AssertOnlyThrows<TAllowed>(byte[] input, Action<byte[]> parse, long maxAllocatedBytes)
        where TAllowed : Exception
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        try
        {
            parse(input);
        }
        catch (TAllowed)
        {
        }
        catch (Exception ex)
        {
            Assert.Fail($"{ex.GetType().Name} ({ex.Message}) for input {Convert.ToHexString(input)}");
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated <= maxAllocatedBytes, $"allocated {allocated} bytes for a {input.Length}-byte input {Convert.ToHexString(input)}");
    }
}
