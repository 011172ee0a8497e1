namespace Lkm.Plugins.Rtmp.Protocol;

/// <summary>The peer broke the RTMP protocol (or a limit of ours); the connection is closed.</summary>
public sealed class RtmpProtocolException : Exception
{
    public RtmpProtocolException(string message)
        : base(message)
    {
    }
}
