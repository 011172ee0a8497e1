namespace Lkm.Sdk.MpegTs;

/// <summary>The program association table (PID 0): program numbers and the PIDs of their PMTs.</summary>
public sealed class ProgramAssociationTable
{
    /// <summary>table_id of a PAT section.</summary>
    public const byte TableId = 0x00;

    private ProgramAssociationTable(IReadOnlyList<(int ProgramNumber, int PmtPid)> programs, int version)
    {
        Programs = programs;
        Version = version;
    }

    /// <summary>The programs (program_number 0, the network PID, left out), in section order.</summary>
    public IReadOnlyList<(int ProgramNumber, int PmtPid)> Programs { get; }

    /// <summary>version_number of the section.</summary>
    public int Version { get; }

    /// <summary>Parses a whole PAT section; throws <see cref="TsFormatException"/> when it is not one.</summary>
    public static ProgramAssociationTable Parse(ReadOnlySpan<byte> sectionBytes)
    {
        var section = PsiSection.Parse(sectionBytes);
        if (section.TableId != TableId)
        {
            throw new TsFormatException($"table_id 0x{section.TableId:X2} is not a PAT.");
        }

        var body = section.Body;
        if (body.Length % 4 != 0)
        {
            throw new TsFormatException("PAT body is not a whole number of program entries.");
        }

        var programs = new List<(int, int)>(body.Length / 4);
        for (int i = 0; i < body.Length; i += 4)
        {
            int number = (body[i] << 8) | body[i + 1];
            int pid = ((body[i + 2] & 0x1F) << 8) | body[i + 3];
            if (number != 0)
            {
                programs.Add((number, pid));
            }
        }

        return new ProgramAssociationTable(programs, section.Version);
    }
}
