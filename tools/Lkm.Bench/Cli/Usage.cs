namespace Lkm.Bench.Cli;

public static class Usage
{
    public const string Text = """
        Lkm.Bench — load generator for live-stream servers (RTMP, HTTP-FLV, WS-FLV).

        play     --url URL [--url URL ...]   rtmp://host:port/app/name, http://host:port/id.flv, ws://host:port/id.flv;
                                             several URLs = players spread round-robin; %d = player index
                 -n N                        players (default 1)
                 --ramp R                    players opened per second (default 100)
                 --duration S                steady phase after the ramp, seconds (default 30)
                 --expect-kbps K             source bitrate; healthy = >= 95% of it (default: of the median)
                 --server-pid P              sample that process's CPU and RSS during the steady phase
                 --server-metrics URL        LKM.NET's /metrics (e.g. http://127.0.0.1:8080/metrics): report its
                                             GC collections, pause time and allocations over the steady phase
                 --server-metrics-token T    bearer token for it (the server's api.token)
                 --json FILE                 write the report as JSON
                 --read-interval MS          after its first key frame a player reads at most every MS ms
                                             (default 0 = as data arrives; cheaper for the bench, but on
                                             loopback it lowers the server's CPU too: compare at one value)

        publish  --file F.flv --url rtmp://host:port/app/name[%d]
                 -n N                        publishers (default 1); %d = publisher index (many streams)
                 --ramp R                    publishers opened per second (default 50)
                 --duration S                seconds to publish (default: until Ctrl+C / SIGTERM)
                 --json FILE                 write the report as JSON

        Exit code: 0 all healthy, 3 some players/publishers unhealthy or failed, 2 bad arguments, 1 error.
        """;
}
