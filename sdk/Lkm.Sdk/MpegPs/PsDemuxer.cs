using System.Buffers;
using Lkm.Sdk.Buffers;
using Lkm.Sdk.MpegTs;

namespace Lkm.Sdk.MpegPs;

/// <summary>
/// An MPEG-2 program stream (what GB28181 devices send over RTP) fed in chunks of any size, handed on as whole
/// frames per elementary stream. Built for the devices' quirks: a pack header's stuffing is skipped by its count
/// whatever the bytes are (cameras put private data there); MPEG-1 pack headers are accepted; the system header,
/// private streams (0xBD–0xBF) and anything else with a length are skipped by that length; the program stream map
/// is read with its descriptors skipped by length and its CRC ignored (devices store it byte-swapped), and is
/// remembered, since only key-frame packs carry it; a stream it does not list is guessed (H.264/H.265 from the
/// first NAL unit, AAC from an ADTS sync word, else G.711 A-law). Video PES with the same PTS, or without one, are
/// joined into one frame (a large IDR split over several PES, parameter sets in their own PES); audio PES are
/// frames as they are. Bad input is skipped (resync at the next start code, counted), never thrown; memory is
/// bounded (one 128 KiB input buffer, one frame of at most the given size per video stream). Not thread safe.
/// </summary>
public sealed class PsDemuxer : IDisposable
{
    /// <summary>Largest video frame kept by default (a 4K IDR fits).</summary>
    public const int DefaultMaxFrameSize = 4 * 1024 * 1024;

    // The longest unit with a 16-bit length field (PES, PSM, system header): 6 + 65535.
    private const int MaxUnitSize = 6 + 0xFFFF;

    private readonly IPsFrameReceiver _receiver;
    private readonly int _maxFrameSize;
    private readonly byte[] _streamTypes = new byte[256];
    private readonly PendingFrame?[] _pending = new PendingFrame?[16];
    private byte[]? _input;
    private int _start;
    private int _end;
    private bool _awaitPack;

    /// <summary>A demuxer handing frames to <paramref name="receiver"/>; a video frame over <paramref name="maxFrameSize"/> bytes is dropped.</summary>
    public PsDemuxer(IPsFrameReceiver receiver, int maxFrameSize = DefaultMaxFrameSize)
    {
        _receiver = receiver;
        _maxFrameSize = maxFrameSize;
    }

    /// <summary>Pack headers read.</summary>
    public long Packs { get; private set; }

    /// <summary>Times the input was not at a start code and bytes were skipped to the next one.</summary>
    public long Resyncs { get; private set; }

    /// <summary>Units that could not be read (a bad PES header, a map with impossible lengths).</summary>
    public long Errors { get; private set; }

    /// <summary>Frames dropped: over the size bound, or cut by lost input (<see cref="MarkLoss"/>).</summary>
    public long DroppedFrames { get; private set; }

    /// <summary>PES of stream types the SDK does not carry, skipped.</summary>
    public long UnsupportedPes { get; private set; }

    /// <summary>What the last error was, for a log line.</summary>
    public string? LastError { get; private set; }

    /// <summary>Bytes read but not yet parsed: a unit (pack header, PES, map) whose end has not arrived. 0 at a unit boundary.</summary>
    public int BufferedBytes => _end - _start;

    /// <summary>The stream type of <paramref name="streamId"/> from the last program stream map, or 0.</summary>
    public byte StreamTypeOf(byte streamId) => _streamTypes[streamId];

    /// <summary>Reads program stream bytes; whole frames go to the receiver as they complete.</summary>
    public void Feed(ReadOnlySpan<byte> data)
    {
        _input ??= ArrayPool<byte>.Shared.Rent(2 * MaxUnitSize);
        while (!data.IsEmpty)
        {
            if (_start > 0 && _end + data.Length > _input.Length)
            {
                // Compact: what is left of the last chunk moves to the front.
                _input.AsSpan(_start, _end - _start).CopyTo(_input);
                _end -= _start;
                _start = 0;
            }

            int take = Math.Min(data.Length, _input.Length - _end);
            data[..take].CopyTo(_input.AsSpan(_end));
            _end += take;
            data = data[take..];
            Parse();
        }
    }

    /// <summary>
    /// Input was lost (an RTP sequence gap): the unit being read and every frame being joined are dropped, and reading
    /// starts again at the next pack header, so no frame with missing bytes is handed on.
    /// </summary>
    public void MarkLoss()
    {
        bool cutUnit = _end > _start;
        _start = _end = 0;
        _awaitPack = true;
        bool counted = false;
        foreach (var pending in _pending)
        {
            if (pending is { Active: true })
            {
                pending.Reset();
                DroppedFrames++;
                counted = true;
            }
        }

        if (cutUnit && !counted)
        {
            DroppedFrames++; // the frame whose first unit was still being read
        }
    }

    /// <summary>Hands on the video frames being joined (their end is otherwise known only when the next one starts); e.g. at an RTP marker bit.</summary>
    public void Flush()
    {
        for (int i = 0; i < _pending.Length; i++)
        {
            Emit(i);
        }
    }

    /// <summary>Returns the buffers to the pool.</summary>
    public void Dispose()
    {
        if (_input is not null)
        {
            ArrayPool<byte>.Shared.Return(_input);
            _input = null;
        }

        foreach (var pending in _pending)
        {
            pending?.Buffer.Dispose();
        }
    }

    private void Parse()
    {
        while (true)
        {
            var span = _input.AsSpan(_start, _end - _start);
            if (span.Length < 4)
            {
                return;
            }

            if (span[0] != 0 || span[1] != 0 || span[2] != 1 || span[3] < 0xB9)
            {
                Skip(span);
                continue;
            }

            byte code = span[3];
            int length;
            if (code == 0xBA)
            {
                if (!TryPackLength(span, out length))
                {
                    return;
                }

                if (length < 0)
                {
                    Fail("pack header neither MPEG-2 nor MPEG-1");
                    _start += 4;
                    continue;
                }
            }
            else if (code == 0xB9)
            {
                length = 4; // program end code
            }
            else
            {
                if (span.Length < 6)
                {
                    return;
                }

                length = 6 + ((span[4] << 8) | span[5]);
            }

            if (span.Length < length)
            {
                return; // the rest comes with the next chunk (at most MaxUnitSize: the buffer holds it)
            }

            var unit = span[..length];
            _start += length;
            if (code == 0xBA)
            {
                Packs++;
                _awaitPack = false;
            }
            else if (!_awaitPack)
            {
                OnUnit(code, unit);
            }
        }
    }

    // MPEG-2: 14 bytes plus the stuffing count in the low 3 bits of byte 13 (skipped whatever they hold); MPEG-1: 12.
    private static bool TryPackLength(ReadOnlySpan<byte> span, out int length)
    {
        length = 0;
        if (span.Length < 5)
        {
            return false;
        }

        if ((span[4] & 0xC0) == 0x40)
        {
            if (span.Length < 14)
            {
                return false;
            }

            length = 14 + (span[13] & 0x07);
            return true;
        }

        length = (span[4] & 0xF0) == 0x20 ? 12 : -1;
        return true;
    }

    private void Skip(ReadOnlySpan<byte> span)
    {
        Resyncs++;
        int next = span[1..].IndexOf((ReadOnlySpan<byte>)[0, 0, 1]);
        if (next < 0)
        {
            // Keep the last two bytes: a start code may begin there.
            _start = _end - 2;
            return;
        }

        _start += 1 + next;
    }

    private void OnUnit(byte code, ReadOnlySpan<byte> unit)
    {
        switch (code)
        {
            case 0xBC:
                ReadStreamMap(unit);
                break;
            case >= 0xC0 and <= 0xEF:
                OnPes(code, unit);
                break;
            default:
                break; // system header, private and padding streams, ECM/EMM...: skipped by length
        }
    }

    // ISO/IEC 13818-1 2.5.4: info and per-stream descriptors skipped by their lengths; the CRC is not checked.
    private void ReadStreamMap(ReadOnlySpan<byte> unit)
    {
        if (unit.Length < 12)
        {
            Fail("program stream map too short");
            return;
        }

        int position = 10 + ((unit[8] << 8) | unit[9]);
        if (position + 2 > unit.Length)
        {
            Fail("program stream map info runs past the map");
            return;
        }

        int mapLength = (unit[position] << 8) | unit[position + 1];
        position += 2;
        int end = Math.Min(position + mapLength, unit.Length);
        while (position + 4 <= end)
        {
            byte type = unit[position];
            byte id = unit[position + 1];
            position += 4 + ((unit[position + 2] << 8) | unit[position + 3]);
            if (id is >= 0xC0 and <= 0xEF)
            {
                _streamTypes[id] = type;
            }
        }
    }

    private void OnPes(byte streamId, ReadOnlySpan<byte> unit)
    {
        PesHeader header;
        try
        {
            header = PesHeader.Parse(unit);
        }
        catch (TsFormatException ex)
        {
            Fail(ex.Message);
            return;
        }

        var payload = unit[header.HeaderLength..];
        bool video = streamId >= 0xE0;
        byte type = _streamTypes[streamId];
        if (type == 0 && !payload.IsEmpty)
        {
            type = video ? GuessVideo(payload) : GuessAudio(payload);
        }

        if (!PsStreamType.IsSupported(type))
        {
            UnsupportedPes++;
            return;
        }

        if (!video)
        {
            _receiver.OnFrame(new PsFrame(streamId, type, header.Pts, header.Dts, payload));
            return;
        }

        int slot = streamId - 0xE0;
        var pending = _pending[slot] ??= new PendingFrame();
        if (pending.Active && header.Pts is { } pts && pts != pending.Pts)
        {
            Emit(slot);
        }

        if (!pending.Active)
        {
            if (header.Pts is null && pending.Skipping)
            {
                return; // the rest of a frame already dropped
            }

            pending.Start(streamId, type, header.Pts, header.Dts);
        }

        if (pending.Buffer.WrittenCount + payload.Length > _maxFrameSize)
        {
            pending.Reset();
            pending.Skipping = true;
            DroppedFrames++;
            Fail($"video frame over {_maxFrameSize} bytes");
            return;
        }

        pending.Buffer.Write(payload);
    }

    private void Emit(int slot)
    {
        if (_pending[slot] is not { Active: true } pending)
        {
            return;
        }

        try
        {
            _receiver.OnFrame(new PsFrame(pending.StreamId, pending.StreamType, pending.Pts, pending.Dts, pending.Buffer.WrittenSpan));
        }
        finally
        {
            pending.Reset();
        }
    }

    // H.265 parameter sets and IRAP NAL types are read the H.265 way (type in bits 1-6); everything else as H.264.
    private static byte GuessVideo(ReadOnlySpan<byte> payload)
    {
        int start = payload.IndexOf((ReadOnlySpan<byte>)[0, 0, 1]);
        if (start < 0 || start + 3 >= payload.Length)
        {
            return PsStreamType.H264;
        }

        byte nal = payload[start + 3];
        int h265Type = (nal >> 1) & 0x3F;
        return (nal & 0x80) == 0 && h265Type is 32 or 33 or 34 or 19 or 20 ? PsStreamType.H265 : PsStreamType.H264;
    }

    // Devices that leave audio out of the map send AAC with ADTS framing or, most of them, G.711 A-law.
    private static byte GuessAudio(ReadOnlySpan<byte> payload) =>
        payload.Length >= 2 && payload[0] == 0xFF && (payload[1] & 0xF0) == 0xF0 ? PsStreamType.AacAdts : PsStreamType.G711A;

    private void Fail(string error)
    {
        Errors++;
        LastError = error;
    }

    private sealed class PendingFrame
    {
        public PooledBufferWriter Buffer { get; } = new();

        public bool Active { get; private set; }

        public bool Skipping { get; set; }

        public byte StreamId { get; private set; }

        public byte StreamType { get; private set; }

        public long? Pts { get; private set; }

        public long? Dts { get; private set; }

        public void Start(byte streamId, byte streamType, long? pts, long? dts)
        {
            (Active, Skipping, StreamId, StreamType, Pts, Dts) = (true, false, streamId, streamType, pts, dts);
        }

        public void Reset()
        {
            Active = false;
            Buffer.Clear();
        }
    }
}
