using System.Buffers.Binary;
using Lkm.Sdk.Media;

namespace Lkm.Sdk.Flv;

/// <summary>Enhanced-RTMP FourCC codec identifiers.</summary>
public static class FlvFourCc
{
    /// <summary>H.265 ('hvc1').</summary>
    public const uint Hvc1 = 0x68766331; // 'hvc1'
    /// <summary>AV1 ('av01').</summary>
    public const uint Av01 = 0x61763031; // 'av01'
    /// <summary>VP9 ('vp09').</summary>
    public const uint Vp09 = 0x76703039; // 'vp09'
    /// <summary>H.264 ('avc1'), as Enhanced-RTMP v2 may send it.</summary>
    public const uint Avc1 = 0x61766331; // 'avc1'

    /// <summary>The codec of a FourCC; <see cref="CodecId.Unknown"/> for one the server does not carry.</summary>
    public static CodecId ToCodec(uint fourCc) => fourCc switch
    {
        Hvc1 => CodecId.H265,
        Av01 => CodecId.Av1,
        Vp09 => CodecId.Vp9,
        Avc1 => CodecId.H264,
        _ => CodecId.Unknown,
    };

    /// <summary>The FourCC of a codec; 0 for a codec without one.</summary>
    public static uint FromCodec(CodecId codec) => codec switch
    {
        CodecId.H265 => Hvc1,
        CodecId.Av1 => Av01,
        CodecId.Vp9 => Vp09,
        CodecId.H264 => Avc1,
        _ => 0,
    };

    /// <summary>The FourCC of a 4-character string such as "hvc1"; 0 when it is not one.</summary>
    public static uint Parse(string text) =>
        text.Length == 4 && text.All(c => c < 128) ? BinaryPrimitives.ReadUInt32BigEndian([(byte)text[0], (byte)text[1], (byte)text[2], (byte)text[3]]) : 0;

    internal static void Write(Span<byte> destination, uint fourCc) => BinaryPrimitives.WriteUInt32BigEndian(destination, fourCc);
}
