using System.Net;
using System.Net.Sockets;
using Lkm.Plugins.Rtmp.Protocol;
using Lkm.Sdk.Plugins;
using Microsoft.Extensions.Logging;

namespace Lkm.Plugins.Rtmp.Session;

/// <summary>
/// What the parts of one RTMP connection share: the socket and its peer, the stream once a publish
/// or play names it, the reply writer, the session that is running, and the two ways the
/// connection is cut short (the setup timeout and an abort). Used only from the connection's loop,
/// except <see cref="Abort"/>.
/// </summary>
internal sealed class RtmpConnectionContext : IDisposable
{
    private readonly CancellationTokenSource _aborted;
    private readonly CancellationTokenSource _setup;

    public RtmpConnectionContext(Socket socket, IPluginContext plugin, RtmpOptions options, ILogger logger, CancellationToken connectionToken)
    {
        Socket = socket;
        Plugin = plugin;
        Options = options;
        Logger = logger;
        RemoteEndPoint = socket.RemoteEndPoint;
        Peer = RemoteEndPoint?.ToString() ?? "-";
        _aborted = CancellationTokenSource.CreateLinkedTokenSource(connectionToken);
        _setup = CancellationTokenSource.CreateLinkedTokenSource(_aborted.Token);
        ReadToken = _setup.Token;
        Output = new RtmpReplyWriter(this);
    }

    public Socket Socket { get; }

    public IPluginContext Plugin { get; }

    public RtmpOptions Options { get; }

    public ILogger Logger { get; }

    public EndPoint? RemoteEndPoint { get; }

    /// <summary>The remote end point as logs show it.</summary>
    public string Peer { get; }

    public RtmpReplyWriter Output { get; }

    /// <summary>The stream a publish or play named, "-" before that.</summary>
    public string StreamId { get; set; } = "-";

    /// <summary>From connect: the application and URL the stream names of publish and play are read against.</summary>
    public string? App { get; set; }

    public string? TcUrl { get; set; }

    /// <summary>Ends reads during setup (no publish or play in time) and, after it, only at an abort.</summary>
    public CancellationToken ReadToken { get; private set; }

    public CancellationToken Aborted => _aborted.Token;

    public bool IsAborted => _aborted.IsCancellationRequested;

    public bool SetupTimedOut => _setup.IsCancellationRequested;

    /// <summary>Why the server cut the connection, when it did.</summary>
    public string? CloseReason { get; private set; }

    /// <summary>Set once the connection is done reading (a refusal, a player's deleteStream).</summary>
    public bool StopReading { get; set; }

    /// <summary>Bytes read from the peer, the handshake included (what acknowledgements count).</summary>
    public long BytesReceived { get; set; }

    public RtmpPublishSession? Publish { get; set; }

    public RtmpPlaySession? Play { get; set; }

    public bool HasStream => Publish is not null || Play is not null;

    public void StartSetupTimeout() => _setup.CancelAfter(Options.SetupTimeout);

    /// <summary>
    /// Publish or play was asked for in time: from now on reads end only when the connection is aborted.
    /// The setup token (its timer and links) is released, since a player keeps its connection for hours.
    /// </summary>
    public void EndSetupTimeout()
    {
        ReadToken = _aborted.Token;
        _setup.Dispose();
    }

    /// <summary>Cuts the connection from any thread (a publisher closed by the server, shutdown).</summary>
    public void Abort(string reason)
    {
        CloseReason ??= reason;
        try
        {
            _aborted.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }
    }

    /// <summary>Refuses a publish or play with an error onStatus and ends the connection.</summary>
    public async ValueTask RefuseAsync(int messageStreamId, string code, string description)
    {
        RtmpCommandWriter.WriteOnStatus(Output.Buffer, messageStreamId, Output.ChunkSize, "error", code, description);
        await Output.FlushAsync().ConfigureAwait(false);
        StopReading = true;
    }

    public void Dispose()
    {
        Output.Dispose();
        _setup.Dispose();
        _aborted.Dispose();
    }
}
