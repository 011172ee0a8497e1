namespace Lkm.Sdk.MpegTs;

/// <summary>One complete PES packet of an elementary stream, as <see cref="TsDemuxer"/> hands it to its <see cref="ITsPesReceiver"/>.</summary>
public readonly ref struct TsPes
{
    /// <summary>A PES of <paramref name="stream"/> with <paramref name="header"/> and the elementary stream bytes <paramref name="payload"/>.</summary>
    public TsPes(TsElementaryStream stream, PesHeader header, ReadOnlySpan<byte> payload, bool randomAccess)
    {
        Stream = stream;
        Header = header;
        Payload = payload;
        RandomAccess = randomAccess;
    }

    /// <summary>The elementary stream (PID and stream_type from the PMT).</summary>
    public TsElementaryStream Stream { get; }

    /// <summary>The PES header (time stamps in 90 kHz, 33 bits).</summary>
    public PesHeader Header { get; }

    /// <summary>The elementary stream data (Annex-B video, ADTS audio); valid only during the call.</summary>
    public ReadOnlySpan<byte> Payload { get; }

    /// <summary>The first packet's adaptation field had random_access_indicator set.</summary>
    public bool RandomAccess { get; }
}

/// <summary>What <see cref="TsDemuxer"/> calls with what it found.</summary>
public interface ITsPesReceiver
{
    /// <summary>A new program map (the first, or one of another version): the elementary streams to expect.</summary>
    void OnProgramMap(ProgramMapTable map);

    /// <summary>One complete PES packet of a supported stream (<see cref="TsStreamType.IsSupported"/>). A <see cref="FormatException"/> thrown here is counted as a dropped PES.</summary>
    void OnPes(in TsPes pes);
}
