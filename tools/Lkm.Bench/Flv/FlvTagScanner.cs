using System.Buffers.Binary;
using Lkm.Bench.Media;
using Lkm.Bench.Net;

namespace Lkm.Bench.Flv;

/// <summary>
/// Push-style FLV scanner: reads the file header and tag headers, skips tag bodies by count (no copy,
/// no buffering beyond 11 header bytes), so it works over any framing (HTTP chunks, WebSocket frames)
/// that may split a header. Only the first two bytes of each video body are looked at, for key frames.
/// </summary>
public sealed class FlvTagScanner : IPayloadSink
{
    private const int FileHeaderLength = 9;
    private const int TagHeaderLength = 11;
    private const int PreviousTagSizeLength = 4;

    // FLV header DataOffset is 9 in practice; a few bytes of extension are tolerated, more is not FLV.
    private const int MaxDataOffset = 9 + 1024;

    private readonly IMediaObserver _observer;
    private readonly byte[] _header = new byte[TagHeaderLength];
    private State _state = State.FileHeader;
    private int _headerFilled;
    private long _skipLeft;
    private int _bodyLength;
    private int _bodyRead;
    private MediaKind _kind;
    private byte _first;
    private byte _second;

    public FlvTagScanner(IMediaObserver observer)
    {
        _observer = observer;
    }

    private enum State : byte
    {
        FileHeader,
        SkipHeaderRest,
        TagHeader,
        Body,
        PreviousTagSize,
    }

    /// <summary>Tags completed so far (audio, video and script).</summary>
    public long TagCount { get; private set; }

    /// <summary>Consumes all of <paramref name="data"/>; throws <see cref="FlvScanException"/> on a malformed stream.</summary>
    public void Feed(ReadOnlySpan<byte> data)
    {
        while (!data.IsEmpty)
        {
            switch (_state)
            {
                case State.FileHeader:
                    if (FillHeader(ref data, FileHeaderLength))
                    {
                        StartAfterFileHeader();
                    }

                    break;
                case State.SkipHeaderRest:
                    int skipped = (int)Math.Min(_skipLeft, data.Length);
                    data = data[skipped..];
                    _skipLeft -= skipped;
                    if (_skipLeft == 0)
                    {
                        _state = State.TagHeader;
                    }

                    break;
                case State.TagHeader:
                    if (FillHeader(ref data, TagHeaderLength))
                    {
                        StartBody();
                    }

                    break;
                case State.Body:
                    data = ConsumeBody(data);
                    break;
                case State.PreviousTagSize:
                    if (FillHeader(ref data, PreviousTagSizeLength))
                    {
                        CheckPreviousTagSize();
                    }

                    break;
            }
        }
    }

    /// <summary>Copies header bytes into <see cref="_header"/>; true once <paramref name="length"/> bytes are there.</summary>
    private bool FillHeader(ref ReadOnlySpan<byte> data, int length)
    {
        int take = Math.Min(length - _headerFilled, data.Length);
        data[..take].CopyTo(_header.AsSpan(_headerFilled));
        data = data[take..];
        _headerFilled += take;
        if (_headerFilled < length)
        {
            return false;
        }

        _headerFilled = 0;
        return true;
    }

    private void StartAfterFileHeader()
    {
        if (_header[0] != 'F' || _header[1] != 'L' || _header[2] != 'V')
        {
            throw new FlvScanException("not an FLV stream: bad signature");
        }

        uint dataOffset = BinaryPrimitives.ReadUInt32BigEndian(_header.AsSpan(5));
        if (dataOffset is < FileHeaderLength or > MaxDataOffset)
        {
            throw new FlvScanException($"FLV header DataOffset {dataOffset} is invalid");
        }

        // The rest of the header (if any) and PreviousTagSize0.
        _skipLeft = dataOffset - FileHeaderLength + PreviousTagSizeLength;
        _state = State.SkipHeaderRest;
    }

    private void StartBody()
    {
        byte typeByte = _header[0];
        if ((typeByte & 0x20) != 0)
        {
            throw new FlvScanException("encrypted FLV tag");
        }

        _kind = (typeByte & 0x1F) switch
        {
            8 => MediaKind.Audio,
            9 => MediaKind.Video,
            18 => MediaKind.Script,
            _ => throw new FlvScanException($"unknown FLV tag type {typeByte}"),
        };
        _bodyLength = (_header[1] << 16) | (_header[2] << 8) | _header[3];
        _bodyRead = 0;
        _first = 0;
        _second = 0;
        if (_bodyLength == 0)
        {
            CompleteTag();
            return;
        }

        _state = State.Body;
    }

    private ReadOnlySpan<byte> ConsumeBody(ReadOnlySpan<byte> data)
    {
        int take = Math.Min(_bodyLength - _bodyRead, data.Length);
        if (_bodyRead == 0)
        {
            _first = data[0];
        }

        if (_bodyRead <= 1 && _bodyRead + take > 1)
        {
            _second = data[1 - _bodyRead];
        }

        _bodyRead += take;
        if (_kind != MediaKind.Script)
        {
            _observer.OnMediaBytes(take);
        }

        if (_bodyRead == _bodyLength)
        {
            CompleteTag();
        }

        return data[take..];
    }

    private void CompleteTag()
    {
        TagCount++;
        bool keyframe = _kind == MediaKind.Video && _bodyLength >= 2 && VideoFrameKind.IsCodedKeyframe(_first, _second);
        _observer.OnMediaComplete(_kind, _bodyLength, keyframe);
        _state = State.PreviousTagSize;
    }

    private void CheckPreviousTagSize()
    {
        uint previous = BinaryPrimitives.ReadUInt32BigEndian(_header);
        if (previous != (uint)(TagHeaderLength + _bodyLength))
        {
            throw new FlvScanException($"PreviousTagSize {previous} does not match the tag of {TagHeaderLength + _bodyLength} bytes");
        }

        _state = State.TagHeader;
    }
}
