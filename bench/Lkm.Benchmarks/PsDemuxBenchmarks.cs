using System.Buffers;
using BenchmarkDotNet.Attributes;
using Lkm.Sdk.MpegPs;

namespace Lkm.Benchmarks;

/// <summary>
/// GB28181's media after RTP: a program stream, as <see cref="PsMuxer"/> writes it (one pack per frame, map and
/// parameter sets on key frames), demuxed by <see cref="PsDemuxer"/> fed in RTP-payload-sized chunks of 1,400
/// bytes. One operation = one second of a ~1 Mbit/s 25 fps H.264 + G.711 stream (a 2 s GOP's key frame of 40 KB,
/// P frames of 4 KB, 320-byte audio frames every 40 ms); reported per operation and as chunks (packets) per second.
/// </summary>
[MemoryDiagnoser]
public class PsDemuxBenchmarks
{
    private const int Chunk = 1400;
    private byte[] _stream = [];
    private PsDemuxer _demuxer = null!;
    private readonly CountingReceiver _receiver = new();

    /// <summary>RTP payloads in one operation.</summary>
    public int Chunks => (_stream.Length + Chunk - 1) / Chunk;

    [GlobalSetup]
    public void Setup()
    {
        var muxer = new PsMuxer(PsStreamType.H264, PsStreamType.G711A);
        var output = new ArrayBufferWriter<byte>();
        byte[] sps = [0, 0, 0, 1, 0x67, 0x42, 0x00, 0x1F, 0xAB];
        byte[] pps = [0, 0, 0, 1, 0x68, 0xCE, 0x3C, 0x80];
        var audio = new byte[320];
        for (int frame = 0; frame < 25; frame++)
        {
            bool key = frame == 0;
            var nal = Nal(key ? (byte)0x65 : (byte)0x41, key ? 40_000 : 4_000);
            long pts = frame * 3600L;
            muxer.WriteVideo(output, key ? [.. sps, .. pps, .. nal] : nal, pts, pts, key);
            muxer.WriteAudio(output, audio, pts);
        }

        _stream = output.WrittenSpan.ToArray();
        _demuxer = new PsDemuxer(_receiver);
    }

    [GlobalCleanup]
    public void Cleanup() => _demuxer.Dispose();

    [Benchmark]
    public int Demux()
    {
        var stream = _stream.AsSpan();
        for (int offset = 0; offset < stream.Length; offset += Chunk)
        {
            _demuxer.Feed(stream.Slice(offset, Math.Min(Chunk, stream.Length - offset)));
        }

        _demuxer.Flush();
        return _receiver.Frames;
    }

    internal static byte[] Nal(byte header, int length)
    {
        var nal = new byte[length];
        new Random(length).NextBytes(nal);
        for (int i = 0; i < nal.Length; i++)
        {
            nal[i] |= 0x10; // no start code inside
        }

        nal[0] = 0; nal[1] = 0; nal[2] = 0; nal[3] = 1; nal[4] = header;
        return nal;
    }

    private sealed class CountingReceiver : IPsFrameReceiver
    {
        public int Frames { get; private set; }

        public void OnFrame(in PsFrame frame) => Frames++;
    }
}
