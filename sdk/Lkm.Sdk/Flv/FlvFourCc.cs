using System.Buffers.Binary;
using Lkm.Sdk.Media;

namespace Lkm.Sdk.Flv;

/// <summary>Enhanced-RTMP FourCC codec identifiers.</summary>
public static class FlvFourCc
{
    public const uint Hvc1 = 0x68766331; // 'hvc1'
    public const uint Av01 = 0x61763031; // 'av01'
    public const uint Vp09 = 0x76703039; // 'vp09'
    public const uint Avc1 = 0x61766331; // 'avc1'

    public static CodecId ToCodec(uint fourCc) => fourCc switch
    {
        Hvc1 => CodecId.H265,
        Av01 => CodecId.Av1,
        Vp09 => CodecId.Vp9,
        Avc1 => CodecId.H264,
        _ => CodecId.Unknown,
    };

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
