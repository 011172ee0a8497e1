using Lkm.Sdk.Buffers;
using Lkm.Sdk.Rtp;

namespace Lkm.Sdk.Tests.Rtp;

/// <summary>Builds RTP packets for the tests.</summary>
internal static class RtpPackets
{
    public static byte[] Build(ushort sequence, ReadOnlySpan<byte> payload, uint timestamp = 90_000, uint ssrc = 0x11223344, byte payloadType = 96, bool marker = false)
    {
        var bytes = new byte[RtpHeader.FixedLength + payload.Length];
        new RtpHeader(payloadType, sequence, timestamp, ssrc, marker).Write(bytes);
        payload.CopyTo(bytes.AsSpan(RtpHeader.FixedLength));
        return bytes;
    }

    /// <summary>A pooled, parsed packet whose payload is its sequence number (2 bytes), for the reorder buffer.</summary>
    public static RtpPacket Pooled(ushort sequence)
    {
        var buffer = PooledBuffer.CopyOf(Build(sequence, [(byte)(sequence >> 8), (byte)sequence]));
        Assert.True(RtpPacket.TryCreate(buffer, out var packet, out _));
        return packet;
    }
}
