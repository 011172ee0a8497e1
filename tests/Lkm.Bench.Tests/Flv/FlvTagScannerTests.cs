using System.Buffers;
using Lkm.Bench.Flv;
using Lkm.Bench.Media;
using Lkm.Sdk.Amf;
using Lkm.Sdk.Flv;

namespace Lkm.Bench.Tests.Flv;

public sealed class FlvTagScannerTests
{
    public sealed class RecordingObserver : IMediaObserver
    {
        public long MediaBytes { get; private set; }

        public List<(MediaKind Kind, int Length, bool Keyframe)> Tags { get; } = [];

        public void OnMediaBytes(int count) => MediaBytes += count;

        public void OnMediaComplete(MediaKind kind, int bodyLength, bool codedKeyframe) => Tags.Add((kind, bodyLength, codedKeyframe));
    }

    /// <summary>Header, onMetaData, AVC and AAC headers, frames, and Enhanced-RTMP HEVC tags.</summary>
    public static byte[] SampleFlv()
    {
        var output = new ArrayBufferWriter<byte>();
        FlvWriter.WriteFileHeader(output, hasAudio: true, hasVideo: true);
        FlvWriter.WriteTag(output, FlvTagType.Script, 0, Amf0.Encode("onMetaData", new Amf0Object { { "width", 320.0 } }));
        FlvWriter.WriteTag(output, FlvTagType.Video, 0, [0x17, 0x00, 0, 0, 0, 1, 0x42, 0, 0x1E]); // AVC sequence header
        FlvWriter.WriteTag(output, FlvTagType.Audio, 0, [0xAF, 0x00, 0x12, 0x10]); // AAC sequence header
        var key = new byte[1500];
        key[0] = 0x17;
        key[1] = 0x01;
        FlvWriter.WriteTag(output, FlvTagType.Video, 0, key);
        FlvWriter.WriteTag(output, FlvTagType.Audio, 23, new byte[200].Prepend((byte)0x01).Prepend((byte)0xAF).ToArray());
        FlvWriter.WriteTag(output, FlvTagType.Video, 40, new byte[300].Prepend((byte)0x01).Prepend((byte)0x27).ToArray()); // inter frame
        FlvWriter.WriteTag(output, FlvTagType.Video, 80, [0x90, (byte)'h', (byte)'v', (byte)'c', (byte)'1', 1, 2]); // E-RTMP SequenceStart
        FlvWriter.WriteTag(output, FlvTagType.Video, 0x01000000, [0x91, (byte)'h', (byte)'v', (byte)'c', (byte)'1', 0, 0, 0, 9]); // E-RTMP coded key frame
        FlvWriter.WriteTag(output, FlvTagType.Video, 120, [0x17]); // 1-byte body: too short to be a frame
        return output.WrittenSpan.ToArray();
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(11)]
    [InlineData(13)]
    [InlineData(100)]
    [InlineData(int.MaxValue)]
    public void Tags_are_found_in_any_split_and_only_coded_key_frames_count_as_key_frames(int pieceLength)
    {
        byte[] flv = SampleFlv();
        var observer = new RecordingObserver();
        var scanner = new FlvTagScanner(observer);
        for (int offset = 0; offset < flv.Length; offset += pieceLength)
        {
            scanner.Feed(flv.AsSpan(offset, Math.Min(pieceLength, flv.Length - offset)));
        }

        Assert.Equal(9, scanner.TagCount);
        Assert.Equal(
            [
                (MediaKind.Script, 0, false),
                (MediaKind.Video, 9, false),
                (MediaKind.Audio, 4, false),
                (MediaKind.Video, 1500, true),
                (MediaKind.Audio, 202, false),
                (MediaKind.Video, 302, false),
                (MediaKind.Video, 7, false),
                (MediaKind.Video, 9, true),
                (MediaKind.Video, 1, false),
            ],
            observer.Tags.Select(t => t.Kind == MediaKind.Script ? (t.Kind, 0, t.Keyframe) : t));
        Assert.Equal(9 + 4 + 1500 + 202 + 302 + 7 + 9 + 1, observer.MediaBytes);
    }

    [Fact]
    public void A_bad_signature_is_rejected()
    {
        var scanner = new FlvTagScanner(new RecordingObserver());
        Assert.Throws<FlvScanException>(() => scanner.Feed("FLX\x01\x05\0\0\0\x09\0\0\0\0"u8));
    }

    [Fact]
    public void An_unknown_tag_type_is_rejected()
    {
        byte[] flv = SampleFlv();
        flv[13] = 7; // first tag's type
        Assert.Throws<FlvScanException>(() => new FlvTagScanner(new RecordingObserver()).Feed(flv));
    }

    [Fact]
    public void A_wrong_previous_tag_size_is_rejected()
    {
        byte[] flv = SampleFlv();
        int scriptLength = (flv[14] << 16) | (flv[15] << 8) | flv[16];
        flv[13 + 11 + scriptLength + 3] ^= 0x01;
        Assert.Throws<FlvScanException>(() => new FlvTagScanner(new RecordingObserver()).Feed(flv));
    }

    [Fact]
    public void Random_and_mutated_input_throws_only_the_scanner_exception_and_allocates_nothing()
    {
        var random = new Random(4242);
        byte[] seed = SampleFlv();
        for (int i = 0; i < 10_000; i++)
        {
            byte[] input;
            if (i % 2 == 0)
            {
                input = new byte[random.Next(0, 400)];
                random.NextBytes(input);
                if (i % 4 == 0 && input.Length >= 3)
                {
                    "FLV"u8.CopyTo(input);
                }
            }
            else
            {
                input = (byte[])seed.Clone();
                for (int flips = random.Next(1, 6); flips > 0; flips--)
                {
                    input[random.Next(input.Length)] = (byte)random.Next(256);
                }
            }

            var scanner = new FlvTagScanner(new RecordingObserver());
            int piece = random.Next(1, 64);
            long before = GC.GetAllocatedBytesForCurrentThread();
            try
            {
                for (int offset = 0; offset < input.Length; offset += piece)
                {
                    scanner.Feed(input.AsSpan(offset, Math.Min(piece, input.Length - offset)));
                }
            }
            catch (FlvScanException)
            {
                // The only failure allowed.
            }

            // The observer's list may grow; the scanner itself allocates nothing but its exception.
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.True(allocated < 16 * 1024, $"input {i}: {allocated} bytes allocated");
        }
    }
}
