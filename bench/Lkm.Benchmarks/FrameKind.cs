namespace Lkm.Benchmarks;

/// <summary>Which frames a per-frame benchmark muxes.</summary>
public enum FrameKind
{
    /// <summary>An AAC frame (~186 bytes).</summary>
    Audio,

    /// <summary>An H.264 inter frame (~3.6 KB).</summary>
    InterFrame,

    /// <summary>An H.264 keyframe (~30 KB).</summary>
    KeyFrame,

    /// <summary>The real mix: a 2 s GOP of the 1 Mbit/s stream (keyframe, 49 inter frames, 87 audio frames), cycled.</summary>
    Mixed,
}
