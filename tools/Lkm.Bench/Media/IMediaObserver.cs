namespace Lkm.Bench.Media;

/// <summary>What a player's stream parser reports; implemented by the per-player statistics.</summary>
public interface IMediaObserver
{
    /// <summary>Audio or video body bytes arrived (reported as they arrive, not per complete tag).</summary>
    void OnMediaBytes(int count);

    /// <summary>A whole tag/message has arrived; <paramref name="codedKeyframe"/> for a video key frame (not a sequence header).</summary>
    void OnMediaComplete(MediaKind kind, int bodyLength, bool codedKeyframe);
}
