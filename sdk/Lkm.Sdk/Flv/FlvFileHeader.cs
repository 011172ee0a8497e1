namespace Lkm.Sdk.Flv;

/// <summary>The flags of an FLV file header: which kinds of tags the file says it has.</summary>
/// <param name="HasAudio">The audio flag.</param>
/// <param name="HasVideo">The video flag.</param>
public readonly record struct FlvFileHeader(bool HasAudio, bool HasVideo);
