using System.Net;

namespace Lkm.Sdk.Streaming;

/// <summary>Who asks for what: the common part of publish and play requests.</summary>
public abstract record StreamRequest
{
    /// <summary>Stream id, e.g. <c>live/cam1</c>; may contain several '/'.</summary>
    public required string StreamId { get; init; }

    /// <summary>Protocol name as hooks see it: publish <c>rtmp</c>, <c>28181</c>, <c>jt1078</c>; play <c>rtmp</c>, <c>flv</c>, <c>ws-flv</c>, ...</summary>
    public required string Protocol { get; init; }

    public EndPoint? RemoteEndPoint { get; init; }

    /// <summary>The URL query of the client's request, decoded.</summary>
    public IReadOnlyDictionary<string, string> Query { get; init; } = new Dictionary<string, string>();

    public string RemoteAddress => RemoteEndPoint?.ToString() ?? "-";
}

public sealed record PublishRequest : StreamRequest;

public sealed record PlayRequest : StreamRequest;
