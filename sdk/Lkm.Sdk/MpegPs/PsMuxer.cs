using System.Buffers;
using System.Buffers.Binary;
using Lkm.Sdk.Codecs;

namespace Lkm.Sdk.MpegPs;

/// <summary>
/// Writes frames as an MPEG-2 program stream the way GB28181 devices do (what the device simulator sends and a
/// cascade may re-mux): one pack per frame; on video key frames a system header and the program stream map; the
/// parameter sets (SPS/PPS, and VPS for H.265) in a PES of their own before the key frame; frames longer than a
/// PES can hold split over several PES, the first with the time stamps. Time stamps are 90 kHz; the pack's SCR is
/// the frame's DTS. Not thread safe.
/// </summary>
public sealed class PsMuxer
{
    /// <summary>Largest PES payload written (GB devices keep PES under 64 KiB).</summary>
    public const int MaxPesPayload = 0xFFFF - 13;

    private readonly byte _videoType;
    private readonly byte _audioType;

    /// <summary>A muxer for video of <paramref name="videoStreamType"/> and audio of <paramref name="audioStreamType"/> (<see cref="PsStreamType"/>; 0 = none).</summary>
    public PsMuxer(byte videoStreamType, byte audioStreamType)
    {
        _videoType = videoStreamType;
        _audioType = audioStreamType;
    }

    /// <summary>Writes one video access unit (Annex-B) as a pack: map and parameter sets first when it is a key frame.</summary>
    public void WriteVideo(IBufferWriter<byte> output, ReadOnlySpan<byte> annexB, long pts90, long dts90, bool keyFrame)
    {
        WritePackHeader(output, dts90);
        if (keyFrame)
        {
            WriteSystemHeader(output);
            WriteStreamMap(output);

            // Parameter sets in a PES of their own, as devices send them, then the rest of the access unit.
            var sets = new ArrayBufferWriter<byte>();
            var rest = new ArrayBufferWriter<byte>();
            foreach (var unit in AnnexB.EnumerateNalUnits(annexB))
            {
                var target = IsParameterSet(unit[0]) ? sets : rest;
                target.Write((ReadOnlySpan<byte>)[0, 0, 0, 1]);
                target.Write(unit);
            }

            if (sets.WrittenCount > 0)
            {
                WritePes(output, 0xE0, sets.WrittenSpan, pts90, dts90);
                WritePes(output, 0xE0, rest.WrittenSpan, pts90, dts90);
                return;
            }
        }

        WritePes(output, 0xE0, annexB, pts90, dts90);
    }

    /// <summary>Writes one audio frame (ADTS AAC, or G.711 samples) as a PES of its own pack.</summary>
    public void WriteAudio(IBufferWriter<byte> output, ReadOnlySpan<byte> frame, long pts90)
    {
        WritePackHeader(output, pts90);
        WritePes(output, 0xC0, frame, pts90, null);
    }

    private bool IsParameterSet(byte nalHeader) => _videoType == PsStreamType.H265
        ? H265.NalType(nalHeader) is 32 or 33 or 34
        : H264.NalType(nalHeader) is H264.NalSps or 8;

    private static void WritePackHeader(IBufferWriter<byte> output, long scr)
    {
        var pack = output.GetSpan(14);
        pack[0] = 0; pack[1] = 0; pack[2] = 1; pack[3] = 0xBA;
        pack[4] = (byte)(0x44 | (((scr >> 30) & 0x07) << 3) | ((scr >> 28) & 0x03));
        pack[5] = (byte)(scr >> 20);
        pack[6] = (byte)((((scr >> 15) & 0x1F) << 3) | 0x04 | ((scr >> 13) & 0x03));
        pack[7] = (byte)(scr >> 5);
        pack[8] = (byte)(((scr & 0x1F) << 3) | 0x04);
        pack[9] = 0x01; // SCR extension 0, marker
        pack[10] = 0x01; pack[11] = 0x86; pack[12] = 0xA3; // program_mux_rate 25 000 x 50 B/s, markers
        pack[13] = 0xF8; // no stuffing
        output.Advance(14);
    }

    private void WriteSystemHeader(IBufferWriter<byte> output)
    {
        int streams = (_videoType != 0 ? 1 : 0) + (_audioType != 0 ? 1 : 0);
        int length = 6 + (3 * streams);
        var span = output.GetSpan(6 + length);
        span[0] = 0; span[1] = 0; span[2] = 1; span[3] = 0xBB;
        BinaryPrimitives.WriteUInt16BigEndian(span[4..], (ushort)length);
        span[6] = 0x80; span[7] = 0xC3; span[8] = 0x51; // rate bound, markers
        span[9] = (byte)(0x04 | (_audioType != 0 ? 0x04 : 0)); // audio bound 1, fixed/CSPS 0
        span[10] = 0xE1; // locks, marker, video bound 1
        span[11] = 0xFF; // packet rate restriction 0, reserved
        int at = 12;
        if (_videoType != 0)
        {
            span[at] = 0xE0; span[at + 1] = 0xE0; span[at + 2] = 0x80; // P-STD buffer 128 x 1024
            at += 3;
        }

        if (_audioType != 0)
        {
            span[at] = 0xC0; span[at + 1] = 0xC0; span[at + 2] = 0x08;
        }

        output.Advance(6 + length);
    }

    private void WriteStreamMap(IBufferWriter<byte> output)
    {
        int streams = (_videoType != 0 ? 1 : 0) + (_audioType != 0 ? 1 : 0);
        int mapLength = 4 * streams;
        int length = 6 + mapLength + 4; // flags, info length, map length, map, CRC
        var span = output.GetSpan(6 + length);
        span[0] = 0; span[1] = 0; span[2] = 1; span[3] = 0xBC;
        BinaryPrimitives.WriteUInt16BigEndian(span[4..], (ushort)length);
        span[6] = 0xE0; span[7] = 0xFF; // current, version 0, marker
        span[8] = 0; span[9] = 0; // no program stream info
        BinaryPrimitives.WriteUInt16BigEndian(span[10..], (ushort)mapLength);
        int at = 12;
        if (_videoType != 0)
        {
            span[at] = _videoType; span[at + 1] = 0xE0; span[at + 2] = 0; span[at + 3] = 0;
            at += 4;
        }

        if (_audioType != 0)
        {
            span[at] = _audioType; span[at + 1] = 0xC0; span[at + 2] = 0; span[at + 3] = 0;
            at += 4;
        }

        BinaryPrimitives.WriteUInt32BigEndian(span[at..], MpegTs.MpegCrc32.Compute(span[..at]));
        output.Advance(6 + length);
    }

    private static void WritePes(IBufferWriter<byte> output, byte streamId, ReadOnlySpan<byte> payload, long pts, long? dts)
    {
        bool first = true;
        do
        {
            var part = payload[..Math.Min(payload.Length, MaxPesPayload)];
            payload = payload[part.Length..];
            int fields = first ? (dts is { } d && d != pts ? 10 : 5) : 0;
            int headerLength = 9 + fields;
            var span = output.GetSpan(headerLength + part.Length);
            span[0] = 0; span[1] = 0; span[2] = 1; span[3] = streamId;
            BinaryPrimitives.WriteUInt16BigEndian(span[4..], (ushort)(3 + fields + part.Length));
            span[6] = 0x80;
            span[7] = (byte)(fields == 10 ? 0xC0 : fields == 5 ? 0x80 : 0x00);
            span[8] = (byte)fields;
            if (fields >= 5)
            {
                WriteTimestamp(span[9..], fields == 10 ? 0x3 : 0x2, pts);
            }

            if (fields == 10)
            {
                WriteTimestamp(span[14..], 0x1, dts!.Value);
            }

            part.CopyTo(span[headerLength..]);
            output.Advance(headerLength + part.Length);
            first = false;
        }
        while (!payload.IsEmpty);
    }

    private static void WriteTimestamp(Span<byte> field, int prefix, long value)
    {
        field[0] = (byte)((prefix << 4) | (int)(((value >> 30) & 0x07) << 1) | 1);
        field[1] = (byte)(value >> 22);
        field[2] = (byte)((((value >> 15) & 0x7F) << 1) | 1);
        field[3] = (byte)(value >> 7);
        field[4] = (byte)(((value & 0x7F) << 1) | 1);
    }
}
