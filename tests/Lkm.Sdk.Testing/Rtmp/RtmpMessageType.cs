namespace Lkm.Sdk.Testing.Rtmp;

/// <summary>RTMP message type ids (RTMP 1.0 specification, section 5.4 and 7.1).</summary>
public enum RtmpMessageType : byte
{
    /// <summary>Set Chunk Size (protocol control).</summary>
    SetChunkSize = 1,

    /// <summary>Abort Message (protocol control).</summary>
    Abort = 2,

    /// <summary>Acknowledgement (protocol control).</summary>
    Acknowledgement = 3,

    /// <summary>User Control Message (stream begin, ping, ...).</summary>
    UserControl = 4,

    /// <summary>Window Acknowledgement Size (protocol control).</summary>
    WindowAckSize = 5,

    /// <summary>Set Peer Bandwidth (protocol control).</summary>
    SetPeerBandwidth = 6,

    /// <summary>Audio data (an FLV audio tag body).</summary>
    Audio = 8,

    /// <summary>Video data (an FLV video tag body).</summary>
    Video = 9,

    /// <summary>Data message, AMF3.</summary>
    DataAmf3 = 15,

    /// <summary>Shared object message, AMF3.</summary>
    SharedObjectAmf3 = 16,

    /// <summary>Command message, AMF3.</summary>
    CommandAmf3 = 17,

    /// <summary>Data message, AMF0 (e.g. <c>@setDataFrame</c>, <c>onMetaData</c>).</summary>
    DataAmf0 = 18,

    /// <summary>Shared object message, AMF0.</summary>
    SharedObjectAmf0 = 19,

    /// <summary>Command message, AMF0 (<c>connect</c>, <c>publish</c>, <c>onStatus</c>, ...).</summary>
    CommandAmf0 = 20,

    /// <summary>Aggregate message (several audio/video/data messages in one).</summary>
    Aggregate = 22,
}
