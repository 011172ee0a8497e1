using System.Buffers;
using Lkm.Sdk.Buffers;

namespace Lkm.Sdk.Tests.Buffers;

public class PooledBufferWriterTests
{
    [Fact]
    public void Holds_no_array_until_written_and_after_clear()
    {
        using var writer = new PooledBufferWriter();
        Assert.Equal(0, writer.WrittenCount);
        Assert.True(writer.WrittenMemory.IsEmpty);

        writer.Write<byte>([1, 2, 3]);
        Assert.Equal([1, 2, 3], writer.WrittenSpan.ToArray());

        writer.Clear();
        Assert.Equal(0, writer.WrittenCount);
        Assert.True(writer.WrittenMemory.IsEmpty);
    }

    [Fact]
    public void Grows_and_keeps_what_was_written()
    {
        using var writer = new PooledBufferWriter();
        var expected = new List<byte>();
        var random = new Random(7);
        for (int i = 0; i < 200; i++)
        {
            var chunk = new byte[random.Next(1, 700)];
            random.NextBytes(chunk);
            writer.Write(chunk);
            expected.AddRange(chunk);
        }

        Assert.Equal(expected.Count, writer.WrittenCount);
        Assert.Equal(expected.ToArray(), writer.WrittenMemory.ToArray());
    }

    [Fact]
    public void Size_hints_are_honoured_and_advancing_too_far_is_refused()
    {
        using var writer = new PooledBufferWriter();
        Assert.True(writer.GetSpan(5000).Length >= 5000);
        writer.Advance(5000);
        Assert.Equal(5000, writer.WrittenCount);

        var free = writer.GetMemory().Length;
        Assert.Throws<InvalidOperationException>(() => writer.Advance(free + 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => writer.Advance(-1));
    }

    [Fact]
    public void Can_be_reused_after_clear()
    {
        using var writer = new PooledBufferWriter();
        writer.Write<byte>([9, 9]);
        writer.Clear();
        writer.Write<byte>([4]);
        Assert.Equal([4], writer.WrittenSpan.ToArray());
    }
}
