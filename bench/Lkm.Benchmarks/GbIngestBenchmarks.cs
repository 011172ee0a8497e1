using System.Buffers;
using BenchmarkDotNet.Attributes;
using Lkm.Sdk.Codecs;
using Lkm.Sdk.Media;
using Lkm.Sdk.MpegPs;
using Lkm.Sdk.Rtp;
using Lkm.Sdk.Streaming;
using Microsoft.Extensions.Logging.Abstractions;

namespace Lkm.Benchmarks;

/// <summary>
/// The whole GB28181 UDP receive path after the socket, on one core: what the plugin's <c>GbSource</c> and
/// <c>RtpPsReceiver</c> do per datagram, with the SDK's pieces — <see cref="RtpHeader.TryParse(ReadOnlySpan{byte}, out RtpHeader, out int, out int)"/>,
/// the reorder window's in-order pass-through (<see cref="RtpReorderBuffer.TryPassThrough"/>), <see cref="PsIngest.Feed"/>
/// (<see cref="PsDemuxer"/> and <see cref="ElementaryStreamIngest"/>: Annex B to length-prefixed NAL units in a pooled
/// buffer, ADTS frames cut) and the flush at a marker bit — into a publisher that only counts and releases the packets
/// (no hub, no GOP cache, no muxers). One operation = one second of a ~1 Mbit/s camera as RTP datagrams of ≤ 1,400
/// bytes of payload: H.264 25 fps (a 40 KB key frame every 2 s with map and parameter sets, 4 KB P frames) and
/// AAC-LC 44.1 kHz ADTS frames of 186 bytes, one pack per frame as GB devices write it, marker on the last packet
/// of each pack. The operations walk through 60 s of stream (sequence numbers and time stamps go on), then start again.
/// </summary>
[MemoryDiagnoser]
public class GbIngestBenchmarks
{
    private const int Seconds = 60;
    private const int MaxPayload = 1400;
    private byte[][][] _datagrams = [];
    private PsIngest _ingest = null!;
    private RtpReorderBuffer _reorder = null!;
    private readonly CountingPublisher _publisher = new();
    private int _second;

    /// <summary>Datagrams per operation (one second of stream), on average.</summary>
    public double DatagramsPerSecond => _datagrams.Length == 0 ? 0 : _datagrams.Average(s => s.Length);

    [GlobalSetup]
    public void Setup()
    {
        var muxer = new PsMuxer(PsStreamType.H264, PsStreamType.AacAdts);
        byte[] sps = [0, 0, 0, 1, 0x67, 0x42, 0x00, 0x1F, 0xAB];
        byte[] pps = [0, 0, 0, 1, 0x68, 0xCE, 0x3C, 0x80];
        var keyNal = PsDemuxBenchmarks.Nal(0x65, 40_000);
        var interNal = PsDemuxBenchmarks.Nal(0x41, 4_000);
        var aac = new byte[186];
        AdtsHeader.Write(aac, objectType: 2, sampleRateIndex: 4, channelConfiguration: 2, payloadLength: aac.Length - 7);

        ushort sequence = 0;
        long audioSamples = 0;
        var seconds = new List<byte[][]>();
        var pack = new ArrayBufferWriter<byte>();
        for (int second = 0; second < Seconds; second++)
        {
            var datagrams = new List<byte[]>();
            for (int frame = 0; frame < 25; frame++)
            {
                long pts = ((second * 25) + frame) * 3600L;
                bool key = frame == 0 && second % 2 == 0;
                pack.Clear();
                muxer.WriteVideo(pack, key ? [.. sps, .. pps, .. keyNal] : interNal, pts, pts, key);
                Packetize(pack.WrittenSpan, (uint)pts, datagrams, ref sequence);
                while (audioSamples * 90_000 / 44_100 < pts + 3600)
                {
                    long audioPts = audioSamples * 90_000 / 44_100;
                    pack.Clear();
                    muxer.WriteAudio(pack, aac, audioPts);
                    Packetize(pack.WrittenSpan, (uint)audioPts, datagrams, ref sequence);
                    audioSamples += Aac.SamplesPerFrame;
                }
            }

            seconds.Add([.. datagrams]);
        }

        _datagrams = [.. seconds];
        _reorder = new RtpReorderBuffer(RtpReorderBuffer.DefaultCapacity);
        _ingest = new PsIngest(_publisher, NullLogger.Instance);
        Console.WriteLine($"// {DatagramsPerSecond:F1} datagrams per operation (one second of stream)");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _ingest.Dispose();
        _reorder.Dispose();
    }

    /// <summary>One second of the camera's datagrams through parse, pass-through, demux and ES ingest.</summary>
    [Benchmark]
    public long ReceiveOneSecond()
    {
        long payload = 0;
        foreach (var datagram in _datagrams[_second])
        {
            if (!RtpHeader.TryParse(datagram, out var header, out int offset, out int length))
            {
                continue;
            }

            // In order, so this passes (the 60 s wrap restarts the window once a minute); the result is not used, so
            // that the wrap does not stop the feed.
            _reorder.TryPassThrough(header.SequenceNumber);

            _ingest.Feed(datagram.AsSpan(offset, length));
            if (header.Marker && _ingest.Demuxer.BufferedBytes == 0)
            {
                _ingest.Flush();
            }

            payload += length;
        }

        _second = (_second + 1) % Seconds;
        return payload + _publisher.Packets;
    }

    private static void Packetize(ReadOnlySpan<byte> pack, uint timestamp, List<byte[]> datagrams, ref ushort sequence)
    {
        for (int offset = 0; offset < pack.Length; offset += MaxPayload)
        {
            int length = Math.Min(MaxPayload, pack.Length - offset);
            var datagram = new byte[RtpHeader.FixedLength + length];
            bool last = offset + length == pack.Length;
            new RtpHeader(96, sequence++, timestamp, 0x0BEBC201, marker: last).Write(datagram);
            pack.Slice(offset, length).CopyTo(datagram.AsSpan(RtpHeader.FixedLength));
            datagrams.Add(datagram);
        }
    }

    private sealed class CountingPublisher : IPublisher
    {
        private int _tracks;

        public string StreamId => "gb/bench";

        public CancellationToken Closed => CancellationToken.None;

        public long Packets { get; private set; }

        public ValueTask AuthorizeAsync(System.Net.EndPoint? remoteEndPoint, CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public int AddTrack(MediaTrack track) => _tracks++;

        public void UpdateTrack(MediaTrack track)
        {
        }

        public void TracksComplete()
        {
        }

        public void SetMetadata(StreamMetadata metadata)
        {
        }

        public void Write(in MediaPacket packet) => Packets++;

        public void AddBytesReceived(long count)
        {
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
