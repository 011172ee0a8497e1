using System.Buffers.Binary;

namespace Lkm.Sdk.MpegTs;

/// <summary>
/// One long-form PSI section (ISO/IEC 13818-1 2.4.4): the 8-byte header every PAT and PMT section starts with,
/// checked against its CRC-32, and the body between that header and the CRC.
/// </summary>
public readonly ref struct PsiSection
{
    /// <summary>The most bytes a PAT or PMT section may declare after its length field.</summary>
    public const int MaxSectionLength = 1021;

    private PsiSection(byte tableId, int tableIdExtension, int version, bool currentNext, ReadOnlySpan<byte> body)
    {
        TableId = tableId;
        TableIdExtension = tableIdExtension;
        Version = version;
        CurrentNext = currentNext;
        Body = body;
    }

    /// <summary>table_id: 0x00 PAT, 0x02 PMT.</summary>
    public byte TableId { get; }

    /// <summary>transport_stream_id (PAT) or program_number (PMT).</summary>
    public int TableIdExtension { get; }

    /// <summary>version_number (5 bits).</summary>
    public int Version { get; }

    /// <summary>current_next_indicator: the table applies now (not a table announced for later).</summary>
    public bool CurrentNext { get; }

    /// <summary>The bytes after the 8-byte header, before the CRC.</summary>
    public ReadOnlySpan<byte> Body { get; }

    /// <summary>Bytes the section at the start of <paramref name="data"/> takes (3 + section_length); -1 when fewer than 3 bytes are there.</summary>
    public static int TotalLength(ReadOnlySpan<byte> data) => data.Length < 3 ? -1 : 3 + (((data[1] & 0x0F) << 8) | data[2]);

    /// <summary>
    /// Parses the whole section <paramref name="data"/> (exactly <see cref="TotalLength"/> bytes). Throws
    /// <see cref="TsFormatException"/> for a short-form section, a bogus length or a CRC mismatch.
    /// </summary>
    public static PsiSection Parse(ReadOnlySpan<byte> data)
    {
        int total = TotalLength(data);
        if (total < 0 || total > data.Length)
        {
            throw new TsFormatException("PSI section truncated.");
        }

        if ((data[1] & 0x80) == 0)
        {
            throw new TsFormatException("PSI section without section_syntax_indicator.");
        }

        if (total - 3 > MaxSectionLength || total < 12)
        {
            throw new TsFormatException($"PSI section_length {total - 3} out of range.");
        }

        var section = data[..total];
        if (MpegCrc32.Compute(section) != 0)
        {
            throw new TsFormatException("PSI section CRC-32 mismatch.");
        }

        return new PsiSection(section[0], BinaryPrimitives.ReadUInt16BigEndian(section[3..]), (section[5] >> 1) & 0x1F, (section[5] & 0x01) != 0, section[8..^4]);
    }
}
