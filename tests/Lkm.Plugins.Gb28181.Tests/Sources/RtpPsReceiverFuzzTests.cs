using System.Buffers;
using Lkm.Plugins.Gb28181.Sources;
using Lkm.Sdk.MpegPs;
using Lkm.Sdk.Rtp;
using Lkm.Sdk.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Lkm.Plugins.Gb28181.Tests.Sources;

/// <summary>
/// Property test of the whole receive path of a source (RTP header, reorder window, PS demuxer, elementary-stream
/// ingest) on mutated device output: bit flips, truncations, duplicated, dropped and shuffled packets, random
/// datagrams. It never throws, never hands the publisher a frame over the size bound, and keeps holding at most its
/// window.
/// </summary>
public sealed class RtpPsReceiverFuzzTests
{
    private static readonly byte[] Sps = Convert.FromHexString("6742c00dd90141fb0110000003001000000303c0f142a480");
    private static readonly byte[] Pps = Convert.FromHexString("68cb83cb20");

    [Theory]
    [InlineData(1, 16)]
    [InlineData(2, 0)]
    [InlineData(3, 64)]
    public void Mutated_device_output_never_throws_and_stays_bounded(int seed, int reorderWindow)
    {
        var random = new Random(seed);
        var clean = DeviceOutput(random, frames: 60);
        var publisher = new RecordingPublisher();
        using var ingest = new PsIngest(publisher, NullLogger.Instance, probeWindowMs: 100, maxFrameSize: 256 * 1024);
        using var receiver = new RtpPsReceiver(ingest, reorderWindow, 50);
        long now = 0;
        for (int round = 0; round < 40; round++)
        {
            foreach (var original in clean)
            {
                now += random.Next(0, 3);
                foreach (var packet in Mutate(original, random))
                {
                    if (RtpHeader.TryParse(packet, out var header, out int offset, out int length))
                    {
                        receiver.OnPacket(packet, header, offset, length, now);
                    }

                    Assert.True((receiver.Reorder?.Count ?? 0) <= reorderWindow);
                }
            }
        }

        receiver.Finish();
        Assert.True(receiver.Packets > clean.Count, "almost nothing got through the header parser");
        Assert.All(publisher.Packets, p => Assert.True(p.Data.Length <= 256 * 1024));
    }

    // What a GB device sends: PS (SDK muxer, key frame every 10) cut into RTP packets.
    private static List<byte[]> DeviceOutput(Random random, int frames)
    {
        var muxer = new PsMuxer(PsStreamType.H264, PsStreamType.AacAdts);
        var packetizer = new RtpPacketizer(96, 99, maxPayload: 1200);
        var packets = new List<byte[]>();
        var scratch = new byte[1300];
        for (int i = 0; i < frames; i++)
        {
            var ps = new ArrayBufferWriter<byte>();
            var slice = new byte[random.Next(200, 6000)];
            random.NextBytes(slice);
            bool key = i % 10 == 0;
            byte[] annexB = key ? [0, 0, 0, 1, .. Sps, 0, 0, 0, 1, .. Pps, 0, 0, 0, 1, 0x65, .. slice] : [0, 0, 0, 1, 0x41, .. slice];
            long pts = 3600L * (i + 1);
            muxer.WriteVideo(ps, annexB, pts, pts, key);
            byte[] adts = [0xFF, 0xF1, 0x50, 0x80, 0x02, 0x1F, 0xFC, .. new byte[9]];
            muxer.WriteAudio(ps, adts, pts);
            packetizer.Packetize(ps.WrittenSpan, (uint)pts, scratch, p => packets.Add(p.ToArray()));
        }

        return packets;
    }

    private static IEnumerable<byte[]> Mutate(byte[] packet, Random random)
    {
        int roll = random.Next(100);
        if (roll < 3)
        {
            yield break;                                   // lost
        }

        var copy = (byte[])packet.Clone();
        if (roll < 10)
        {
            copy[random.Next(copy.Length)] ^= (byte)(1 << random.Next(8)); // a flipped bit anywhere, header included
        }
        else if (roll < 13)
        {
            copy = copy[..random.Next(1, copy.Length)];   // truncated
        }
        else if (roll < 15)
        {
            var junk = new byte[random.Next(1, 1500)];     // not the device's at all
            random.NextBytes(junk);
            yield return junk;
        }

        yield return copy;
        if (roll > 97)
        {
            yield return copy;                             // duplicated
        }
    }
}
