namespace Lkm.Sdk.Streaming;

public enum DenyReason
{
    /// <summary>A hook or policy refused the request.</summary>
    Forbidden,

    /// <summary>The stream id is already published.</summary>
    AlreadyPublished,

    /// <summary>The stream id is malformed or the protocol is not allowed for it.</summary>
    BadRequest,

    /// <summary>The server is shutting down or the plugin is stopping.</summary>
    Unavailable,
}

/// <summary>
/// Thrown by <see cref="IStreamHub"/> when a publish or play request is refused. Plugins map it to
/// their protocol's refusal (RTMP onStatus error, HTTP 403/409, TCP close).
/// </summary>
public sealed class StreamDeniedException : Exception
{
    public StreamDeniedException(DenyReason reason, string message)
        : base(message)
    {
        Reason = reason;
    }

    public DenyReason Reason { get; }
}
