namespace Lkm.Bench.Net;

public enum StreamProtocol
{
    Rtmp,
    HttpFlv,
    WsFlv,
}
