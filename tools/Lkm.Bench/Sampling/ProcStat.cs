using System.Globalization;

namespace Lkm.Bench.Sampling;

/// <summary>One reading of a process's CPU time and RSS from /proc (Linux only).</summary>
public readonly record struct ProcStat(long CpuTicks, long RssKiB)
{
    /// <summary>USER_HZ: /proc/[pid]/stat counts CPU time in 1/100 s on every Linux ABI.</summary>
    public const int ClockTicksPerSecond = 100;

    /// <summary>Reads /proc/<paramref name="pid"/>/stat (utime + stime) and /proc/<paramref name="pid"/>/status (VmRSS); null if the process is gone.</summary>
    public static ProcStat? TryRead(int pid)
    {
        try
        {
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            string status = File.ReadAllText($"/proc/{pid}/status");
            return new ProcStat(ParseCpuTicks(stat), ParseRssKiB(status));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>utime + stime: fields 14 and 15, counted after the parenthesised command name (which may hold spaces).</summary>
    public static long ParseCpuTicks(string stat)
    {
        int close = stat.LastIndexOf(')');
        if (close < 0)
        {
            throw new FormatException("unexpected /proc/[pid]/stat format");
        }

        // After ") " come field 3 (state) onwards; utime is field 14, so index 11 here.
        var fields = stat[(close + 2)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length < 13)
        {
            throw new FormatException("unexpected /proc/[pid]/stat format");
        }

        return long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
    }

    public static long ParseRssKiB(string status)
    {
        foreach (string line in status.Split('\n'))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                var parts = line["VmRSS:".Length..].Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
                return long.Parse(parts[0], CultureInfo.InvariantCulture);
            }
        }

        return 0;
    }
}
