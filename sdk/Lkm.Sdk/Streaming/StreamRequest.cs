using System.Net;

namespace Lkm.Sdk.Streaming;

/// <summary>Who asks for what: the common part of publish and play requests.</summary>
public abstract record StreamRequest
{
    /// <summary>Stream id, e.g. <c>live/cam1</c>; may contain several '/'.</summary>
    public required string StreamId { get; init; }

    /// <summary>Protocol name as hooks see it: publish <c>rtmp</c>, <c>28181</c>, <c>jt1078</c>; play <c>rtmp</c>, <c>flv</c>, <c>ws-flv</c>, ...</summary>
    public required string Protocol { get; init; }

    /// <summary>The client's address; null when unknown.</summary>
    public EndPoint? RemoteEndPoint { get; init; }

    /// <summary>The URL query of the client's request, decoded.</summary>
    public IReadOnlyDictionary<string, string> Query { get; init; } = new Dictionary<string, string>();

    /// <see cref="RemoteEndPoint"/> as text, <c>-</c> when unknown (for logs).
    public string RemoteAddress => RemoteEndPoint?.ToString() ?? "-";
}

/// <summary>A request to publish a stream (<see cref="IStreamHub.PublishAsync"/>).</summary>
public sealed record PublishRequest : StreamRequest
{
    /// <summary>
    /// Reserve the stream now and ask <c>on_publish</c> later, at <see cref="IPublisher.AuthorizeAsync"/>: for publishes a
    /// signalling server sets up before the device sends anything (GB28181 <c>source/create</c>). The id is taken at once
    /// (a second publisher is refused, players may wait, the API lists the stream); <c>on_publish</c> runs when the first
    /// packet shows who sends, and <c>on_publish_done</c> only for a publish it allowed.
    /// </summary>
    public bool AuthorizeLater { get; init; }
}

/// <summary>A request to play a stream (<see cref="IStreamHub.PlayAsync"/>).</summary>
public sealed record PlayRequest : StreamRequest;
