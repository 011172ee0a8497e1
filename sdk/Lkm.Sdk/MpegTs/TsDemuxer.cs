namespace Lkm.Sdk.MpegTs;

/// <summary>
/// Demultiplexes an MPEG transport stream (ISO/IEC 13818-1) fed in chunks of any size (UDP datagrams, TCP reads):
/// finds the 188-byte packets (resyncing on the 0x47 sync byte after garbage), reads the PAT and the first
/// program's PMT (CRC checked), checks each PID's continuity counter and assembles the PES packets of the supported
/// elementary streams (<see cref="TsStreamType"/>) for an <see cref="ITsPesReceiver"/>.
/// </summary>
/// <remarks>
/// Malformed input never throws: a bad packet, section or PES is counted and skipped, and a PES that lost a packet
/// is dropped whole (never passed on with bytes missing). Memory is bounded: one 188-byte carry, one section buffer
/// per PSI PID, and per elementary stream one PES buffer of at most <c>maxPesSize</c> bytes (pooled; see <see cref="Dispose"/>).
/// Not thread safe: one session feeds it.
/// </remarks>
public sealed class TsDemuxer : IDisposable
{
    /// <summary>The default bound of one PES packet (a very large keyframe fits).</summary>
    public const int DefaultMaxPesSize = 4 * 1024 * 1024;

    /// <summary>The most elementary streams assembled at once.</summary>
    public const int MaxAssembledStreams = 8;

    private readonly ITsPesReceiver _receiver;
    private readonly int _maxPesSize;
    private readonly byte[] _carry = new byte[TsPacketHeader.PacketSize];
    private readonly PsiSectionAssembler _pat = new();
    private readonly PsiSectionAssembler _pmt = new();
    private readonly Dictionary<int, PesAssembler> _streams = [];
    private readonly int[] _continuity = new int[8192];
    private readonly PsiSectionAssembler.SectionHandler _onPat;
    private readonly PsiSectionAssembler.SectionHandler _onPmt;
    private int _carryLength;
    private int _pmtPid = -1;
    private int _pmtVersion = -1;
    private bool _inSync = true;

    /// <summary>A demuxer handing PES packets to <paramref name="receiver"/>; a PES larger than <paramref name="maxPesSize"/> bytes is dropped.</summary>
    public TsDemuxer(ITsPesReceiver receiver, int maxPesSize = DefaultMaxPesSize)
    {
        ArgumentNullException.ThrowIfNull(receiver);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPesSize, 1024);
        _receiver = receiver;
        _maxPesSize = maxPesSize;
        Array.Fill(_continuity, -1);
        _onPat = OnPat;
        _onPmt = OnPmt;
    }

    /// <summary>Packets read (well-formed or not).</summary>
    public long Packets { get; private set; }

    /// <summary>Bytes skipped to find the sync byte again.</summary>
    public long SkippedBytes { get; private set; }

    /// <summary>Times the demuxer lost the sync byte and looked for it.</summary>
    public long Resyncs { get; private set; }

    /// <summary>Packets, sections and PES packets refused as malformed.</summary>
    public long Errors { get; private set; }

    /// <summary>Packets found missing by the continuity counter.</summary>
    public long ContinuityErrors { get; private set; }

    /// <summary>PES packets dropped (lost bytes, too large, malformed).</summary>
    public long DroppedPes { get; private set; }

    /// <summary>The last error's description, for a log line; null when there was none.</summary>
    public string? LastError { get; private set; }

    /// <summary>The program map in force, or null before the first one.</summary>
    public ProgramMapTable? ProgramMap { get; private set; }

    /// <summary>Reads <paramref name="data"/>; a packet split across calls is completed by the next call.</summary>
    public void Feed(ReadOnlySpan<byte> data)
    {
        while (!data.IsEmpty)
        {
            if (_carryLength > 0)
            {
                int take = Math.Min(TsPacketHeader.PacketSize - _carryLength, data.Length);
                data[..take].CopyTo(_carry.AsSpan(_carryLength));
                _carryLength += take;
                data = data[take..];
                if (_carryLength == TsPacketHeader.PacketSize)
                {
                    _carryLength = 0;
                    ReadPacket(_carry);
                }

                continue;
            }

            if (data[0] != TsPacketHeader.SyncByte || (data.Length > TsPacketHeader.PacketSize && data[TsPacketHeader.PacketSize] != TsPacketHeader.SyncByte))
            {
                if (_inSync)
                {
                    _inSync = false;
                    Resyncs++;
                }

                int next = data[1..].IndexOf(TsPacketHeader.SyncByte);
                int skip = next < 0 ? data.Length : next + 1;
                SkippedBytes += skip;
                data = data[skip..];
                continue;
            }

            _inSync = true;
            if (data.Length < TsPacketHeader.PacketSize)
            {
                data.CopyTo(_carry);
                _carryLength = data.Length;
                return;
            }

            ReadPacket(data[..TsPacketHeader.PacketSize]);
            data = data[TsPacketHeader.PacketSize..];
        }
    }

    /// <summary>Hands over the PES packets still being collected (video PES end only when the next one starts): call at the end of the input.</summary>
    public void Flush()
    {
        foreach (var stream in _streams.Values)
        {
            if (!stream.Flush(_receiver))
            {
                DroppedPes++;
            }
        }
    }

    /// <summary>Returns the PES buffers to the pool.</summary>
    public void Dispose()
    {
        foreach (var stream in _streams.Values)
        {
            stream.Dispose();
        }

        _streams.Clear();
    }

    private void ReadPacket(ReadOnlySpan<byte> packet)
    {
        Packets++;
        TsPacketHeader header;
        try
        {
            header = TsPacketHeader.Parse(packet);
        }
        catch (TsFormatException ex)
        {
            Error(ex.Message);
            return;
        }

        if (header.Pid == TsPacketHeader.NullPid)
        {
            return;
        }

        _streams.TryGetValue(header.Pid, out var stream);
        if (header.TransportError || header.Scrambled)
        {
            Error(header.TransportError ? "TS packet with transport_error_indicator" : "scrambled TS packet");
            BreakPid(header.Pid, stream);
            return;
        }

        if (!header.HasPayload)
        {
            return;
        }

        if (!CheckContinuity(header, stream))
        {
            return; // a duplicate packet
        }

        var payload = header.Payload(packet);
        try
        {
            if (header.Pid == 0)
            {
                _pat.Add(header.PayloadUnitStart, payload, _onPat);
            }
            else if (header.Pid == _pmtPid)
            {
                _pmt.Add(header.PayloadUnitStart, payload, _onPmt);
            }
            else if (stream is not null && !stream.Add(header.PayloadUnitStart, header.RandomAccess, payload, _receiver))
            {
                DroppedPes++;
            }
        }
        catch (TsFormatException ex)
        {
            Error(ex.Message);
        }
    }

    // False for a duplicate packet (same counter again), which is ignored. A gap breaks the PID's PES or section.
    private bool CheckContinuity(in TsPacketHeader header, PesAssembler? stream)
    {
        int last = _continuity[header.Pid];
        _continuity[header.Pid] = header.ContinuityCounter;
        if (last < 0 || header.Discontinuity)
        {
            return true;
        }

        if (header.ContinuityCounter == last)
        {
            return false;
        }

        if (header.ContinuityCounter != ((last + 1) & 0x0F))
        {
            ContinuityErrors++;
            LastError = $"continuity counter jump on PID {header.Pid} ({last} -> {header.ContinuityCounter})";
            BreakPid(header.Pid, stream);
        }

        return true;
    }

    private void BreakPid(int pid, PesAssembler? stream)
    {
        if (pid == 0)
        {
            _pat.Break();
        }
        else if (pid == _pmtPid)
        {
            _pmt.Break();
        }
        else if (stream is not null && stream.Break())
        {
            DroppedPes++;
        }
    }

    private void OnPat(ReadOnlySpan<byte> section)
    {
        var pat = ProgramAssociationTable.Parse(section);
        if (pat.Programs.Count == 0)
        {
            return;
        }

        int pmtPid = pat.Programs[0].PmtPid;
        if (pmtPid != _pmtPid && pmtPid is not (0 or TsPacketHeader.NullPid))
        {
            _pmtPid = pmtPid;
            _pmtVersion = -1;
            _pmt.Break();
        }
    }

    private void OnPmt(ReadOnlySpan<byte> section)
    {
        var pmt = ProgramMapTable.Parse(section);
        if (!(pmt.Version != _pmtVersion || ProgramMap is null))
        {
            return;
        }

        _pmtVersion = pmt.Version;
        ProgramMap = pmt;

        // Streams no longer in the map go; new supported ones get an assembler (a stream that changed type starts afresh).
        foreach (var (pid, stream) in _streams.ToList())
        {
            if (!pmt.Streams.Contains(stream.Stream))
            {
                stream.Dispose();
                _streams.Remove(pid);
            }
        }

        foreach (var es in pmt.Streams)
        {
            if (TsStreamType.IsSupported(es.StreamType) && !_streams.ContainsKey(es.Pid) && _streams.Count < MaxAssembledStreams
                && es.Pid != 0 && es.Pid != _pmtPid && es.Pid != TsPacketHeader.NullPid)
            {
                _streams[es.Pid] = new PesAssembler(es, _maxPesSize);
            }
        }

        _receiver.OnProgramMap(pmt);
    }

    private void Error(string message)
    {
        Errors++;
        LastError = message;
    }
}
