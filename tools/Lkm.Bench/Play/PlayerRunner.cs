using System.Net;
using System.Net.Sockets;
using Lkm.Bench.Net;

namespace Lkm.Bench.Play;

/// <summary>Runs one player of any protocol until the run ends, turning every failure into its statistics.</summary>
public static class PlayerRunner
{
    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(10);

    public static async Task RunAsync(StreamUrl url, EndPoint endPoint, PlayerStats stats, ReadPacer? pacer, CancellationToken runEnd)
    {
        try
        {
            await (url.Protocol switch
            {
                StreamProtocol.Rtmp => RtmpPlayer.PlayAsync(url, endPoint, stats, pacer, runEnd),
                StreamProtocol.HttpFlv => HttpFlvPlayer.PlayAsync(url, endPoint, stats, pacer, runEnd),
                _ => WsFlvPlayer.PlayAsync(url, endPoint, stats, pacer, runEnd),
            }).ConfigureAwait(false);
        }
        catch (Exception) when (runEnd.IsCancellationRequested)
        {
            // The run is over: whatever the teardown threw is not the player's failure.
        }
        catch (Exception ex)
        {
            stats.Fail(Describe(ex));
        }
        finally
        {
            stats.Finish();
        }
    }

    /// <summary>A short reason, stable across players so that errors can be counted together.</summary>
    public static string Describe(Exception ex) => ex switch
    {
        SocketException socket => "socket: " + socket.SocketErrorCode,
        IOException { InnerException: SocketException socket } => "socket: " + socket.SocketErrorCode,
        EndOfStreamException or TimeoutException or PlayRefusedException => ex.Message,
        _ => ex.GetType().Name + ": " + ex.Message,
    };
}
