namespace Lkm.Plugins.Rtmp.Protocol;

/// <summary>User control message event types (message type 4).</summary>
public enum UserControlEvent : ushort
{
    StreamBegin = 0,
    StreamEof = 1,
    StreamDry = 2,
    SetBufferLength = 3,
    StreamIsRecorded = 4,
    PingRequest = 6,
    PingResponse = 7,
}
