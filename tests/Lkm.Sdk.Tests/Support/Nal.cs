using System.Buffers.Binary;

namespace Lkm.Sdk.Tests.Support;

internal static class Nal
{
    /// <summary>NAL units with 4-byte big-endian length prefixes.</summary>
    public static byte[] Avcc(params byte[][] units) => Prefixed(4, units);

    public static byte[] Prefixed(int lengthSize, params byte[][] units)
    {
        var result = new List<byte>();
        foreach (var unit in units)
        {
            var length = new byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(length, (uint)unit.Length);
            result.AddRange(length[(4 - lengthSize)..]);
            result.AddRange(unit);
        }

        return [.. result];
    }

    /// <summary>NAL units with 4-byte start codes.</summary>
    public static byte[] AnnexB(params byte[][] units) => [.. units.SelectMany(u => new byte[] { 0, 0, 0, 1 }.Concat(u))];
}
