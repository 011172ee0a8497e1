namespace Lkm.Sdk.Tests.MpegPs;

/// <summary>Program stream units as GB28181 devices write them, quirks included, for the demuxer's tests.</summary>
internal static class PsBuilder
{
    /// <summary>An MPEG-2 pack header whose stuffing is <paramref name="stuffing"/> (cameras put private data there, not 0xFF).</summary>
    public static byte[] Pack(long scr, byte[]? stuffing = null)
    {
        stuffing ??= [];
        var pack = new byte[14 + stuffing.Length];
        pack[0] = 0; pack[1] = 0; pack[2] = 1; pack[3] = 0xBA;
        long b = scr;
        pack[4] = (byte)(0x44 | (((b >> 30) & 0x07) << 3) | ((b >> 28) & 0x03));
        pack[5] = (byte)(b >> 20);
        pack[6] = (byte)(((b >> 15) & 0x1F) << 3 | 0x04 | ((b >> 13) & 0x03));
        pack[7] = (byte)(b >> 5);
        pack[8] = (byte)(((b & 0x1F) << 3) | 0x04);
        pack[9] = 0x01;
        pack[10] = 0x01; pack[11] = 0x86; pack[12] = 0xA3; // mux rate
        pack[13] = (byte)(0xF8 | stuffing.Length);
        stuffing.CopyTo(pack, 14);
        return pack;
    }

    /// <summary>An MPEG-1 pack header (12 bytes), which some old encoders still send.</summary>
    public static byte[] Mpeg1Pack() => [0, 0, 1, 0xBA, 0x21, 0x00, 0x01, 0x00, 0x01, 0x80, 0x00, 0x01];

    public static byte[] SystemHeader() => Unit(0xBB, [0x80, 0x01, 0x01, 0x04, 0xE1, 0xFF, 0xE0, 0xE0, 0x80, 0xC0, 0xC0, 0x08]);

    /// <summary>A program stream map with descriptors in its info and per stream, and its CRC stored byte-swapped.</summary>
    public static byte[] StreamMap(params (byte Type, byte Id)[] streams)
    {
        var body = new List<byte> { 0xE0, 0xFF, 0x00, 0x06, 0x0A, 0x04, 0x65, 0x6E, 0x67, 0x00 }; // info: a 6-byte descriptor
        var map = new List<byte>();
        foreach (var (type, id) in streams)
        {
            map.AddRange([type, id, 0x00, 0x03, 0x28, 0x01, 0x00]); // each with a 3-byte descriptor
        }

        body.Add((byte)(map.Count >> 8));
        body.Add((byte)map.Count);
        body.AddRange(map);
        body.AddRange([0x78, 0x56, 0x34, 0x12]); // "CRC", byte-swapped and wrong: must not matter
        return Unit(0xBC, [.. body]);
    }

    /// <summary>A PES with PTS (and DTS when given), its length set.</summary>
    public static byte[] Pes(byte streamId, long? pts, long? dts, ReadOnlySpan<byte> payload)
    {
        var header = new List<byte> { 0x80 };
        var fields = new List<byte>();
        if (pts is { } p)
        {
            fields.AddRange(Timestamp(dts is null ? 0x2 : 0x3, p));
            if (dts is { } d)
            {
                fields.AddRange(Timestamp(0x1, d));
            }
        }

        header.Add((byte)(pts is null ? 0x00 : dts is null ? 0x80 : 0xC0));
        header.Add((byte)fields.Count);
        header.AddRange(fields);
        header.AddRange(payload.ToArray());
        return Unit(streamId, [.. header]);
    }

    /// <summary>An Annex-B NAL unit of <paramref name="length"/> bytes with header <paramref name="header"/> and random content holding no start code.</summary>
    public static byte[] Nal(byte header, int length, int? seed = null)
    {
        var nal = new byte[length];
        new Random(seed ?? length).NextBytes(nal);
        for (int i = 0; i < nal.Length; i++)
        {
            nal[i] |= 0x10; // no 00 00 01 inside
        }

        nal[0] = 0; nal[1] = 0; nal[2] = 0; nal[3] = 1; nal[4] = header;
        return nal;
    }

    public static byte[] Unit(byte code, byte[] body) => [0, 0, 1, code, (byte)(body.Length >> 8), (byte)body.Length, .. body];

    private static byte[] Timestamp(int prefix, long value) =>
    [
        (byte)((prefix << 4) | (int)(((value >> 30) & 0x07) << 1) | 1),
        (byte)(value >> 22),
        (byte)((((value >> 15) & 0x7F) << 1) | 1),
        (byte)(value >> 7),
        (byte)(((value & 0x7F) << 1) | 1),
    ];
}
