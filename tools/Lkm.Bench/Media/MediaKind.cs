namespace Lkm.Bench.Media;

/// <summary>The tag/message kinds a player counts.</summary>
public enum MediaKind : byte
{
    Audio = 8,
    Video = 9,
    Script = 18,
}
