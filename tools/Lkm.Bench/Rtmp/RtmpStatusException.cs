namespace Lkm.Bench.Rtmp;

/// <summary>The server refused a command: an <c>_error</c> reply or an <c>onStatus</c> with level "error".</summary>
public sealed class RtmpStatusException(string code, string? description)
    : Exception(description is null or "" ? code : $"{code}: {description}")
{
    public string Code { get; } = code;
}
