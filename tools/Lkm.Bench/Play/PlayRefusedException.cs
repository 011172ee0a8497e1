namespace Lkm.Bench.Play;

/// <summary>The server answered the play request with a refusal (HTTP status, failed upgrade).</summary>
public sealed class PlayRefusedException(string message) : Exception(message);
