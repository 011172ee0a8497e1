using System.Buffers;
using Lkm.Sdk.Amf;
using Lkm.Sdk.Tests.Support;
using Lkm.Testing;

namespace Lkm.Sdk.Tests.Amf;

public class Amf0FuzzTests
{
    private static readonly byte[][] Seeds =
    [
        Amf0.Encode("connect", 1.0, new Amf0Object { { "app", "live" }, { "tcUrl", "rtmp://h/live" }, { "fpad", false }, { "capabilities", 15.0 } }),
        Amf0.Encode("onMetaData", new Amf0Object { IsEcmaArray = true, Capacity = 2 }, new List<object?> { 1.0, "x", null, new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc) }),
        Amf0.Encode("_result", 2.0, null, new Amf0Object { { "level", "status" }, { "nested", new Amf0Object { { "deep", new List<object?> { true } } } } }),
        Convert.FromHexString("0a0000000203000161003ff0000000000000000009070001"),
    ];

    [Fact]
    public void Random_bytes_only_ever_raise_amf0_format_exception()
    {
        var mutator = new Mutator(1234);
        for (int i = 0; i < 10_000; i++)
        {
            var input = mutator.RandomBytes(256);

            // Bias towards valid markers so decoding gets past the first byte.
            if (input.Length > 0)
            {
                input[0] = (byte)mutator.Random.Next(0x12);
            }

            Mutator.AssertOnlyThrows<Amf0FormatException>(input, bytes => Amf0.DecodeAll(bytes), MaxAllocation(input));
        }
    }

    [Fact]
    public void Mutated_messages_only_ever_raise_amf0_format_exception()
    {
        var mutator = new Mutator(99);
        for (int i = 0; i < 10_000; i++)
        {
            var input = mutator.Mutate(Seeds[i % Seeds.Length]);
            Mutator.AssertOnlyThrows<Amf0FormatException>(input, bytes => Amf0.DecodeAll(bytes), MaxAllocation(input));
            Mutator.AssertOnlyThrows<Amf0FormatException>(input, bytes =>
            {
                var reader = new SequenceReader<byte>(SegmentedSequence.OfFixedSize(bytes, 7));
                while (!reader.End)
                {
                    Amf0.Decode(ref reader);
                }
            }, MaxAllocation(input) * 2);
        }
    }

    // Decoded values may cost a few dozen bytes per input byte (boxing, lists, UTF-16 strings), never more.
    private static long MaxAllocation(byte[] input) => 16_384 + (96L * input.Length);
}
