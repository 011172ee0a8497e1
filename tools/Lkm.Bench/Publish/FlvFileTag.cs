namespace Lkm.Bench.Publish;

/// <summary>An audio/video tag of the source file: where its body lies and when it is due (ms from the first tag).</summary>
public readonly record struct FlvFileTag(byte Type, long TimestampMs, int Offset, int Length, bool IsSequenceHeader);
