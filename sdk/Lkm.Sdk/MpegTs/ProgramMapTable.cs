namespace Lkm.Sdk.MpegTs;

/// <summary>One elementary stream of a program: its stream_type and PID.</summary>
/// <param name="StreamType">stream_type (see <see cref="TsStreamType"/>).</param>
/// <param name="Pid">elementary_PID.</param>
public readonly record struct TsElementaryStream(byte StreamType, int Pid);

/// <summary>A program map table: the program's PCR PID and its elementary streams (descriptors skipped by length).</summary>
public sealed class ProgramMapTable
{
    /// <summary>table_id of a PMT section.</summary>
    public const byte TableId = 0x02;

    /// <summary>The most elementary streams kept from one PMT.</summary>
    public const int MaxStreams = 32;

    private ProgramMapTable(int programNumber, int version, int pcrPid, IReadOnlyList<TsElementaryStream> streams)
    {
        ProgramNumber = programNumber;
        Version = version;
        PcrPid = pcrPid;
        Streams = streams;
    }

    /// <summary>program_number the map belongs to.</summary>
    public int ProgramNumber { get; }

    /// <summary>version_number of the section.</summary>
    public int Version { get; }

    /// <summary>PCR_PID.</summary>
    public int PcrPid { get; }

    /// <summary>The elementary streams, in section order (at most <see cref="MaxStreams"/>).</summary>
    public IReadOnlyList<TsElementaryStream> Streams { get; }

    /// <summary>Parses a whole PMT section; throws <see cref="TsFormatException"/> when it is not one or its lengths run past its end.</summary>
    public static ProgramMapTable Parse(ReadOnlySpan<byte> sectionBytes)
    {
        var section = PsiSection.Parse(sectionBytes);
        if (section.TableId != TableId)
        {
            throw new TsFormatException($"table_id 0x{section.TableId:X2} is not a PMT.");
        }

        var body = section.Body;
        if (body.Length < 4)
        {
            throw new TsFormatException("PMT body too short.");
        }

        int pcrPid = ((body[0] & 0x1F) << 8) | body[1];
        int programInfoLength = ((body[2] & 0x0F) << 8) | body[3];
        int offset = 4 + programInfoLength;
        if (offset > body.Length)
        {
            throw new TsFormatException("PMT program_info_length runs past the section.");
        }

        var streams = new List<TsElementaryStream>();
        while (offset < body.Length)
        {
            if (body.Length - offset < 5)
            {
                throw new TsFormatException("PMT stream entry truncated.");
            }

            byte type = body[offset];
            int pid = ((body[offset + 1] & 0x1F) << 8) | body[offset + 2];
            int infoLength = ((body[offset + 3] & 0x0F) << 8) | body[offset + 4];
            offset += 5 + infoLength;
            if (offset > body.Length)
            {
                throw new TsFormatException("PMT ES_info_length runs past the section.");
            }

            if (streams.Count < MaxStreams)
            {
                streams.Add(new TsElementaryStream(type, pid));
            }
        }

        return new ProgramMapTable(section.TableIdExtension, section.Version, pcrPid, streams);
    }
}
