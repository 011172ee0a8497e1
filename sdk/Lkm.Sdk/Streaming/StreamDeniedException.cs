namespace Lkm.Sdk.Streaming;

/// <summary>Why the hub refused a publish or play request.</summary>
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
    /// <summary>A refusal for <paramref name="reason"/>; <paramref name="message"/> says why, for logs.</summary>
    public StreamDeniedException(DenyReason reason, string message)
        : base(message)
    {
        Reason = reason;
    }

    /// <summary>Why the request was refused; map it to the protocol's answer.</summary>
    public DenyReason Reason { get; }
}
