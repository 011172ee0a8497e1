namespace Lkm.Sdk.Flv;

public readonly record struct FlvFileHeader(bool HasAudio, bool HasVideo);
