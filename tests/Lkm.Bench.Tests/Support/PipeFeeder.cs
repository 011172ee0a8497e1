using System.Buffers;
using Lkm.Testing;

namespace Lkm.Bench.Tests.Support;

/// <summary>
/// Plays the role of a PipeReader for a Kestrel-style parser: keeps what the parser left unconsumed,
/// appends the next received piece, and hands the parser a (multi-segment) sequence of both.
/// </summary>
public sealed class PipeFeeder
{
    private byte[] _unconsumed = [];

    public int Unconsumed => _unconsumed.Length;

    public delegate void Parse(ref SequenceReader<byte> reader);

    public void Receive(byte[] piece, Parse parse)
    {
        var sequence = _unconsumed.Length == 0 ? SegmentedSequence.Create(piece) : SegmentedSequence.Create(_unconsumed, piece);
        var reader = new SequenceReader<byte>(sequence);
        parse(ref reader);
        _unconsumed = reader.UnreadSequence.ToArray();
    }

    /// <summary>Feeds <paramref name="data"/> in pieces of <paramref name="pieceLength"/> bytes.</summary>
    public static PipeFeeder FeedAll(byte[] data, int pieceLength, Parse parse)
    {
        var feeder = new PipeFeeder();
        for (int offset = 0; offset < data.Length; offset += pieceLength)
        {
            feeder.Receive(data[offset..Math.Min(data.Length, offset + pieceLength)], parse);
        }

        return feeder;
    }
}
