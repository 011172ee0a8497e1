using Lkm.Sdk.MpegTs;
using Lkm.Sdk.Testing;
using Lkm.Sdk.Tests.Support;
using Lkm.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Lkm.Sdk.Tests.MpegTs;

/// <summary>The committed TS asset and helpers to run TS through <see cref="TsIngest"/>.</summary>
internal static class TsSamples
{
    /// <summary>1 s of 160x120 H.264 (25 frames, GOP 25) + mono 44.1 kHz AAC (45 frames), muxed by ffmpeg 5.1 (`-f mpegts`).</summary>
    public static byte[] H264Aac { get; } = File.ReadAllBytes(RepoPaths.File("tests", "Lkm.Sdk.Tests", "MpegTs", "Assets", "h264_aac.ts"));

    /// <summary>Feeds <paramref name="ts"/> in chunks of <paramref name="chunkSize"/> bytes and flushes; returns the ingest (disposed).</summary>
    public static TsIngest Ingest(byte[] ts, RecordingPublisher publisher, int chunkSize, ListLogger? logger = null)
    {
        using var ingest = new TsIngest(publisher, (Microsoft.Extensions.Logging.ILogger?)logger ?? NullLogger.Instance);
        for (int offset = 0; offset < ts.Length; offset += chunkSize)
        {
            ingest.Feed(ts.AsSpan(offset, Math.Min(chunkSize, ts.Length - offset)));
        }

        ingest.Flush();
        return ingest;
    }

    /// <summary>The 188-byte packets of <paramref name="ts"/>.</summary>
    public static List<byte[]> Packets(byte[] ts)
    {
        var packets = new List<byte[]>();
        for (int offset = 0; offset + TsPacketHeader.PacketSize <= ts.Length; offset += TsPacketHeader.PacketSize)
        {
            packets.Add(ts.AsSpan(offset, TsPacketHeader.PacketSize).ToArray());
        }

        return packets;
    }
}
