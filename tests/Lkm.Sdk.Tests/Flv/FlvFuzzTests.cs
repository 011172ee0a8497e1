using System.Buffers;
using Lkm.Sdk.Codecs;
using Lkm.Sdk.Flv;
using Lkm.Sdk.Media;
using Lkm.Sdk.Tests.Codecs;
using Lkm.Sdk.Testing;
using Lkm.Sdk.Tests.Support;
using Lkm.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Lkm.Sdk.Tests.Flv;

public class FlvFuzzTests
{
    private static readonly byte[] AvcConfig = new AvcDecoderConfigurationRecord(
        [Hex.Bytes(TestVectors.H264_640x360.Sps)], [Hex.Bytes(TestVectors.H264_640x360.Pps)]).ToArray();

    private static readonly byte[] HevcConfig = HevcDecoderConfigurationRecord.Create(
        [Hex.Bytes(TestVectors.H265_1280x720.Vps)], [Hex.Bytes(TestVectors.H265_1280x720.Sps)], [Hex.Bytes(TestVectors.H265_1280x720.Pps)]).ToArray();

    private static readonly byte[][] VideoSeeds =
    [
        [0x17, 0, 0, 0, 0, .. AvcConfig],
        [0x17, 1, 0, 0, 40, .. Nal.Avcc([0x65, 0x88, 0x84], [0x06, 0x05, 0x01])],
        [0x27, 1, 0xFF, 0xFF, 0xD8, .. Nal.Avcc([0x41, 0x9A])],
        [0x90, .. "hvc1"u8, .. HevcConfig],
        [0x91, .. "hvc1"u8, 0, 0, 40, .. Nal.Avcc([0x26, 0x01, 0xAF])],
        [0xA3, .. "hvc1"u8, .. Nal.Avcc([0x02, 0x01, 0xD0])],
        [0x1C, 0, 0, 0, 0, .. HevcConfig],
        [0x17, 1, 0, 0, 0, .. Nal.Avcc(Hex.Bytes(TestVectors.H264_640x360.Sps), Hex.Bytes(TestVectors.H264_640x360.Pps), [0x65, 0x88])],
    ];

    private static readonly byte[][] AudioSeeds =
    [
        [0xAF, 0, 0x12, 0x10],
        [0xAF, 1, 0x21, 0x10, 0x04],
        [0x72, 0xD5, 0xD5],
        [0x2F, 0xFF, 0xFB, 0x90, 0x64, 0, 0],
        [0xAF, 1, 0xFF, 0xF1, 0x50, 0x80, 0x01, 0x3F, 0xFC, 1, 2],
    ];

    [Fact]
    public void Ingest_never_throws_on_random_or_mutated_bodies()
    {
        var mutator = new Mutator(4242);
        var publisher = new RecordingPublisher { RetainPackets = true };
        var ingest = new FlvIngest(publisher, NullLogger.Instance, probeWindowMs: 500);
        long written = 0;
        for (int i = 0; i < 10_000; i++)
        {
            bool video = mutator.Random.Next(2) == 0;
            var seeds = video ? VideoSeeds : AudioSeeds;
            var body = mutator.Random.Next(4) == 0 ? mutator.RandomBytes(64) : mutator.Mutate(seeds[mutator.Random.Next(seeds.Length)]);
            uint timestamp = (uint)mutator.Random.Next();
            var sequence = mutator.Random.Next(2) == 0 ? new ReadOnlySequence<byte>(body) : SegmentedSequence.OfFixedSize(body, 3);
            try
            {
                if (video)
                {
                    ingest.OnVideo(timestamp, sequence);
                }
                else
                {
                    ingest.OnAudio(timestamp, sequence);
                }
            }
            catch (Exception ex)
            {
                Assert.Fail($"FlvIngest threw {ex.GetType().Name} ({ex.Message}) for {(video ? "video" : "audio")} body {Convert.ToHexString(body)}");
            }

            written += publisher.RetainedPackets.Count;
            foreach (var packet in publisher.RetainedPackets)
            {
                Assert.True(packet.Data.Length > 0);
                if (publisher.Tracks[packet.TrackIndex].Codec is CodecId.H264 or CodecId.H265)
                {
                    Assert.True(Avcc.IsValid(packet.Data.Span), "video packets must be well-formed AVCC");
                }
            }

            publisher.AssertWriterReleasedAndRelease();
        }

        Assert.True(ingest.DroppedTags > 1000);
        Assert.True(written > 100);
    }

    [Fact]
    public void Reader_only_throws_flv_format_exception_on_mutated_files()
    {
        var file = SampleFile();
        var mutator = new Mutator(777);
        for (int i = 0; i < 3_000; i++)
        {
            var input = i % 5 == 0 ? [.. file.AsSpan(0, 13), .. mutator.RandomBytes(200)] : mutator.Mutate(file);
            Mutator.AssertOnlyThrows<FlvFormatException>(input, ReadAll, 64 * 1024);
        }
    }

    private static void ReadAll(byte[] bytes)
    {
        var reader = new SequenceReader<byte>(SegmentedSequence.OfFixedSize(bytes, 64));
        if (!FlvReader.TryReadFileHeader(ref reader, out _))
        {
            return;
        }

        while (FlvReader.TryReadTag(ref reader, out var tag))
        {
            Assert.True(tag.Body.Length <= FlvReader.MaxTagBodyLength);
        }
    }

    private static byte[] SampleFile()
    {
        var output = new ArrayBufferWriter<byte>();
        FlvWriter.WriteFileHeader(output, true, true);
        for (int i = 0; i < 20; i++)
        {
            var seeds = i % 2 == 0 ? VideoSeeds : AudioSeeds;
            FlvWriter.WriteTag(output, i % 2 == 0 ? FlvTagType.Video : FlvTagType.Audio, i * 20, seeds[i % seeds.Length]);
        }

        return output.WrittenSpan.ToArray();
    }
}
