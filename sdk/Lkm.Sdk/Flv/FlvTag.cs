using System.Buffers;

namespace Lkm.Sdk.Flv;

/// <summary>One FLV tag; <see cref="Body"/> is a slice of the reader's buffer (valid until the reader advances past it).</summary>
public readonly record struct FlvTag(FlvTagType Type, long Timestamp, ReadOnlySequence<byte> Body, uint PreviousTagSize);
