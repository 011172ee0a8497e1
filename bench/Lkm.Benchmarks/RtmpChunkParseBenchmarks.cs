using System.Buffers;
using System.Buffers.Binary;
using BenchmarkDotNet.Attributes;
using Lkm.Benchmarks.Media;
using Lkm.Plugins.Rtmp.Protocol;
using Lkm.Sdk.Flv;

namespace Lkm.Benchmarks;

/// <summary>
/// RTMP chunk parse: <see cref="RtmpChunkReader"/> reassembling one second of a 1 Mbit/s H.264 + AAC publish as
/// ffmpeg sends it (SetChunkSize 4096, then 25 video and 44 audio messages on one chunk stream). One operation =
/// the whole second (<see cref="MessagesPerSecond"/> messages, ~125 KB); the reader is reused across operations,
/// as it is across a connection's reads. <c>Segmented</c> feeds the bytes in 4 KiB buffer segments, as a Pipe
/// delivers them, instead of one contiguous buffer.
/// </summary>
[MemoryDiagnoser]
public class RtmpChunkParseBenchmarks
{
    /// <summary>SetChunkSize + 25 video + 44 audio messages.</summary>
    public const int MessagesPerSecond = 70;

    private const int ChunkSize = 4096;
    private const int PipeSegmentSize = 4096;
    private ReadOnlySequence<byte> _input;
    private RtmpChunkReader _reader = null!;

    [Params(false, true)]
    public bool Segmented { get; set; }

    /// <summary>Bytes of one operation's input (for per-MB figures).</summary>
    public long InputBytes => _input.Length;

    [GlobalSetup]
    public void Setup()
    {
        byte[] bytes = BuildOneSecond();
        _input = Segmented ? BufferChain.Split(bytes, PipeSegmentSize) : new ReadOnlySequence<byte>(bytes);
        _reader = new RtmpChunkReader();
        int messages = Parse().Messages;
        if (messages != MessagesPerSecond)
        {
            throw new InvalidOperationException($"expected {MessagesPerSecond} messages, parsed {messages}");
        }

        Console.WriteLine($"// input: {_input.Length} bytes, {MessagesPerSecond} messages, {(Segmented ? "4 KiB segments" : "one buffer")}");
    }

    [GlobalCleanup]
    public void Cleanup() => _reader.Dispose();

    /// <summary>One second of the stream; divide by 70 for a message, multiply by ~8.4 for a MB.</summary>
    [Benchmark]
    public long ParseOneSecond() => Parse().Bytes;

    /// <summary>The same work reported per message (BDN divides by <see cref="MessagesPerSecond"/>).</summary>
    [Benchmark(OperationsPerInvoke = MessagesPerSecond)]
    public long ParsePerMessage() => Parse().Bytes;

    private (int Messages, long Bytes) Parse()
    {
        var buffer = _input;
        int messages = 0;
        long bytes = 0;
        while (_reader.TryReadMessage(ref buffer, out var message))
        {
            messages++;
            bytes += message.Length;
        }

        if (!buffer.IsEmpty)
        {
            throw new InvalidOperationException("the input ended inside a chunk");
        }

        return (messages, bytes);
    }

    private static byte[] BuildOneSecond()
    {
        var output = new ArrayBufferWriter<byte>(160 * 1024);

        // ffmpeg announces its chunk size first, in a message chunked at the default 128.
        Span<byte> size = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(size, ChunkSize);
        RtmpChunkWriter.WriteMessage(output, RtmpChunkWriter.ControlChunkStream, RtmpMessageType.SetChunkSize, 0, 0, size, RtmpChunkReader.DefaultChunkSize);

        var video = SyntheticMedia.Video();
        var audio = SyntheticMedia.Audio();
        var encoder = new FfmpegStyleChunkEncoder(chunkStreamId: 8);
        var packets = SyntheticMedia.Generate(durationMs: 1000);
        Span<byte> head = stackalloc byte[16];
        try
        {
            foreach (var packet in packets)
            {
                var track = packet.TrackIndex == 0 ? video : audio;
                int headLength = FlvTagBody.WriteMediaHeader(head, track, packet);
                byte[] payload = [.. head[..headLength], .. packet.Buffer.Span];
                var type = packet.TrackIndex == 0 ? RtmpMessageType.Video : RtmpMessageType.Audio;
                encoder.Write(output, (byte)type, (uint)packet.Dts, streamId: 1, payload, ChunkSize);
            }
        }
        finally
        {
            SyntheticMedia.Release(packets);
        }

        return output.WrittenSpan.ToArray();
    }
}
