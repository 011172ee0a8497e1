#!/usr/bin/env bash
# Runs the same play scenario against LKM.NET, nginx with the RTMP module and Node-Media-Server, one
# after another on 127.0.0.1, and prints our CPU and RSS as ratios of theirs.
#
#   bench/compare.sh [--scenario NAME] [--players N] [--duration S] [--protocol rtmp|flv|ws-flv|mixed] [--ramp R] [--out DIR]
#
# Each server gets one publisher (the bench's own `publish`, or ffmpeg -re with PUBLISHER=ffmpeg) looping a
# generated 1 Mbit/s H.264+AAC FLV file, then `Lkm.Bench play` with N players and --server-pid (LKM.NET also
# with --server-metrics: its GC counts over the steady phase). --protocol mixed spreads the players over the
# RTMP, HTTP-FLV and WS-FLV URLs of the same stream. Peers that cannot serve a protocol, or cannot be
# installed, are skipped with a message, never faked (nginx-rtmp serves RTMP only; Node-Media-Server 4 serves
# all three, WS-FLV from 4.0.21 on). Everything stays on 127.0.0.1 and ends by itself (bounded players and duration).
# Scenarios of issue 18 (options given as well override them; the 3000-player one is run once per protocol):
#   issue18-3000       3000 players, ramp 150/s, steady 20 s (protocol from --protocol, default rtmp)
#   issue18-10k-rtmp   10000 RTMP players, ramp 250/s, steady 20 s
#   issue18-10k-mixed  10000 players spread over RTMP, HTTP-FLV and WS-FLV, ramp 250/s, steady 20 s
# Environment: LKM_BENCH_CACHE (source file, npm install; default ~/.cache/lkm-bench), LKM_BENCH_HTTP_PORT,
# LKM_BENCH_RTMP_PORT, LKM_BENCH_CONFIGURATION (default Release), LKM_BENCH_SKIP_BUILD=1, PUBLISHER=ffmpeg,
# LKM_BENCH_REPO (the checkout whose LKM.NET is measured, e.g. a worktree of an older commit for a before/after;
# default this one), LKM_BENCH_PEERS (default "nginx nms"; "none" measures LKM.NET alone),
# READ_INTERVAL=ms (play --read-interval, the same for every server; default 0 = players read as data arrives),
# LKM_BENCH_METRICS_TOKEN (bearer token for LKM.NET's /metrics, if its lkm.yaml sets api.token).
set -euo pipefail

SCENARIO=""
OPT_PLAYERS=""
OPT_DURATION=""
OPT_PROTOCOL=""
OPT_RAMP=""
OUT=""
while [ $# -gt 0 ]; do
    [ $# -ge 2 ] || case "$1" in -h|--help) ;; *) echo "option $1 needs a value" >&2; exit 2 ;; esac
    case "$1" in
        --scenario) SCENARIO="$2"; shift 2 ;;
        --players) OPT_PLAYERS="$2"; shift 2 ;;
        --duration) OPT_DURATION="$2"; shift 2 ;;
        --protocol) OPT_PROTOCOL="$2"; shift 2 ;;
        --ramp) OPT_RAMP="$2"; shift 2 ;;
        --out) OUT="$2"; shift 2 ;;
        -h|--help) sed -n '2,22p' "$0"; exit 0 ;;
        *) echo "unknown argument: $1" >&2; exit 2 ;;
    esac
done
# Scenario defaults first, then whatever was given explicitly.
PLAYERS=1000 DURATION=30 PROTOCOL=rtmp RAMP=200
case "$SCENARIO" in
    "") ;;
    issue18-3000) PLAYERS=3000 RAMP=150 DURATION=20 ;;
    issue18-10k-rtmp) PLAYERS=10000 RAMP=250 DURATION=20 PROTOCOL=rtmp ;;
    issue18-10k-mixed) PLAYERS=10000 RAMP=250 DURATION=20 PROTOCOL=mixed ;;
    *) echo "--scenario must be issue18-3000, issue18-10k-rtmp or issue18-10k-mixed" >&2; exit 2 ;;
esac
PLAYERS="${OPT_PLAYERS:-$PLAYERS}"
DURATION="${OPT_DURATION:-$DURATION}"
PROTOCOL="${OPT_PROTOCOL:-$PROTOCOL}"
RAMP="${OPT_RAMP:-$RAMP}"
case "$PROTOCOL" in rtmp|flv|ws-flv|mixed) ;; *) echo "--protocol must be rtmp, flv, ws-flv or mixed" >&2; exit 2 ;; esac
case "$PLAYERS$DURATION$RAMP" in *[!0-9]*) echo "--players, --duration and --ramp must be whole numbers" >&2; exit 2 ;; esac
[ "$PLAYERS" -ge 1 ] && [ "$RAMP" -ge 1 ] || { echo "--players and --ramp must be at least 1" >&2; exit 2; }

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LKM_REPO="$(cd "${LKM_BENCH_REPO:-$REPO}" && pwd)"
PEERS="${LKM_BENCH_PEERS:-nginx nms}"
wants() { case " $PEERS " in *" $1 "*) return 0 ;; *) return 1 ;; esac; }
CACHE="${LKM_BENCH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/lkm-bench}"
WORK="$(mktemp -d /tmp/lkm-compare.XXXXXX)"
OUT="${OUT:-$(mktemp -d /tmp/lkm-compare-results.XXXXXX)}"
mkdir -p "$CACHE" "$OUT"
HTTP_PORT="${LKM_BENCH_HTTP_PORT:-18480}"
RTMP_PORT="${LKM_BENCH_RTMP_PORT:-19435}"
NMS_MAJOR=4
PIDS=()

log() { printf '\n== %s\n' "$*" >&2; }

cleanup() {
    # Only the processes this script started, by id.
    for pid in "${PIDS[@]}"; do
        kill -TERM "$pid" 2>/dev/null || true
    done
    sleep 1
    for pid in "${PIDS[@]}"; do
        kill -KILL "$pid" 2>/dev/null || true
    done
    # Keep the servers' logs with the results; drop the temporary prefixes and configs.
    mkdir -p "$OUT/logs"
    cp "$WORK"/*.log "$WORK"/nms/nms.log "$OUT/logs/" 2>/dev/null || true
    cp -r "$WORK/nginx/logs" "$OUT/logs/nginx" 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_port() { # port seconds
    local i
    for ((i = 0; i < $2 * 5; i++)); do
        port_open "$1" && return 0
        sleep 0.2
    done
    return 1
}

alive() { # running, not a zombie waiting to be reaped (kill -0 succeeds on those)
    local state
    state="$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1)"
    [ -n "$state" ] && [ "$state" != Z ]
}

forget_pid() { # a stopped (and reaped) child must not be signalled again: its id may be reused
    local keep=() p
    for p in "${PIDS[@]}"; do [ "$p" = "$1" ] || keep+=("$p"); done
    PIDS=("${keep[@]}")
}

stop_pid() { # pid: TERM, then KILL after 10 s
    local pid="$1" i
    if kill -TERM "$pid" 2>/dev/null; then
        for ((i = 0; i < 50; i++)); do
            alive "$pid" || break
            sleep 0.2
        done
        kill -KILL "$pid" 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null || true
    forget_pid "$pid"
}

json_number() { # file jq-path python-expr
    if command -v jq >/dev/null; then
        jq -r "$2 // empty" "$1"
    elif command -v python3 >/dev/null; then
        python3 -c "import json,sys; r=json.load(open(sys.argv[1])); v=$3; print('' if v is None else v)" "$1"
    fi
}

for p in "$HTTP_PORT" "$RTMP_PORT"; do
    if port_open "$p"; then
        echo "port $p on 127.0.0.1 is in use; set LKM_BENCH_HTTP_PORT / LKM_BENCH_RTMP_PORT" >&2
        exit 1
    fi
done
# One descriptor per player in the bench and another in the server (both inherit this shell's limit), plus
# their own files and sockets: raise the soft limit as far as the hard one allows, and stop if that is short.
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
FDS_NEEDED=$((PLAYERS + 1024))
FDS="$(ulimit -n)"
if [ "$FDS" != unlimited ] && [ "$FDS" -lt "$FDS_NEEDED" ]; then
    echo "$PLAYERS players need about $FDS_NEEDED open files per process (bench and server), but 'ulimit -n' is $FDS" >&2
    echo "and the hard limit 'ulimit -Hn' is $(ulimit -Hn): raise the hard limit (as root, or LimitNOFILE / limits.conf)" >&2
    exit 1
fi
# Each player takes an ephemeral port on 127.0.0.1; the Linux default range (32768-60999) holds 28 000, and
# connections the bench closed (TIME_WAIT) are reused on loopback with net.ipv4.tcp_tw_reuse = 2 (the default).
if [ -r /proc/sys/net/ipv4/ip_local_port_range ]; then
    read -r PORT_LOW PORT_HIGH </proc/sys/net/ipv4/ip_local_port_range
    if [ $((PORT_HIGH - PORT_LOW)) -lt $((PLAYERS + 100)) ]; then
        echo "warning: the ephemeral port range ($PORT_LOW-$PORT_HIGH) is small for $PLAYERS players" >&2
    fi
fi

# ---------------------------------------------------------------- build and source file
CONFIGURATION="${LKM_BENCH_CONFIGURATION:-Release}"
if [ "${LKM_BENCH_SKIP_BUILD:-0}" != 1 ]; then
    log "building LKM.NET and Lkm.Bench ($CONFIGURATION)"
    dotnet build -c "$CONFIGURATION" "$LKM_REPO/host/Lkm.Host/Lkm.Host.csproj" -nologo -v q
    dotnet build -c "$CONFIGURATION" "$REPO/tools/Lkm.Bench/Lkm.Bench.csproj" -nologo -v q
fi
BENCH=(dotnet "$REPO/tools/Lkm.Bench/bin/$CONFIGURATION/net10.0/Lkm.Bench.dll")

command -v ffmpeg >/dev/null || { echo "ffmpeg is needed to make the source file (apt-get install -y ffmpeg)" >&2; exit 1; }
# A tight VBV buffer (0.1 s) keeps the rate at 1 Mbit/s over every GOP and every second, so that even a short
# window measures the server, not the encoder's rate control (with a 0.5 s buffer GOPs vary by +-5%).
SOURCE="$CACHE/source-1mbit-h264-aac-cbr.flv"
if [ ! -s "$SOURCE" ]; then
    log "making $SOURCE (30 s, 640x360 25 fps, H.264 936 kbit/s CBR, 2 s GOP + AAC 64 kbit/s)"
    ffmpeg -hide_banner -loglevel error -y \
        -f lavfi -i testsrc2=size=640x360:rate=25 -f lavfi -i sine=frequency=440:sample_rate=44100 -t 30 \
        -c:v libx264 -preset veryfast -tune zerolatency -profile:v baseline -pix_fmt yuv420p \
        -g 50 -keyint_min 50 -sc_threshold 0 -b:v 936k -minrate 936k -maxrate 936k -bufsize 94k \
        -x264-params nal-hrd=cbr:force-cfr=1 -c:a aac -b:a 64k -ar 44100 -ac 2 -f flv "$SOURCE.tmp"
    mv "$SOURCE.tmp" "$SOURCE"
fi
# Nominal media bitrate: the streams' own bit rates (the container's adds FLV tag overhead the bench does not count).
EXPECT_KBPS="$(ffprobe -v error -show_entries stream=bit_rate -of csv=p=0 "$SOURCE" | awk '$1 > 0 { s += $1 } END { printf "%d", s / 1000 }')"
if [ -z "$EXPECT_KBPS" ] || [ "$EXPECT_KBPS" -le 0 ]; then
    EXPECT_KBPS="$(ffprobe -v error -show_entries format=bit_rate -of csv=p=0 "$SOURCE" | awk '{ printf "%d", $1 / 1000 }')"
fi
PUBLISH_SECONDS=$((PLAYERS / RAMP + DURATION + 30))

play_urls() { # rtmp-port http-port: the --url arguments of $PROTOCOL for a server serving live/bench on those ports
    local rtmp="rtmp://127.0.0.1:$1/live/bench" flv="http://127.0.0.1:$2/live/bench.flv" ws="ws://127.0.0.1:$2/live/bench.flv"
    case "$PROTOCOL" in
        rtmp) echo "--url $rtmp" ;;
        flv) echo "--url $flv" ;;
        ws-flv) echo "--url $ws" ;;
        mixed) echo "--url $rtmp --url $flv --url $ws" ;;
    esac
}

start_publisher() { # rtmp-url
    if [ "${PUBLISHER:-bench}" = ffmpeg ]; then
        ffmpeg -hide_banner -loglevel error -re -stream_loop -1 -i "$SOURCE" -c copy -t "$PUBLISH_SECONDS" -f flv "$1" \
            >"$WORK/publisher.log" 2>&1 &
    else
        "${BENCH[@]}" publish --file "$SOURCE" --url "$1" --duration "$PUBLISH_SECONDS" >"$WORK/publisher.log" 2>&1 &
    fi
    PUBLISHER_PID=$!
    PIDS+=("$PUBLISHER_PID")
}

run_scenario() { # name server-pid publish-url play-arguments... (--url ..., --server-metrics ...)
    local name="$1" server_pid="$2" publish_url="$3" code=0
    shift 3
    start_publisher "$publish_url"
    sleep 4 # connected, and a GOP in the server's cache
    if ! alive "$PUBLISHER_PID"; then
        echo "$name: the publisher failed:" >&2
        cat "$WORK/publisher.log" >&2
        return 1
    fi
    log "$name: $PLAYERS players ($PROTOCOL: $*), ramp $RAMP/s, steady ${DURATION}s"
    "${BENCH[@]}" play "$@" -n "$PLAYERS" --ramp "$RAMP" --duration "$DURATION" \
        --expect-kbps "$EXPECT_KBPS" --read-interval "${READ_INTERVAL:-0}" --server-pid "$server_pid" --json "$OUT/$name.json" | tee "$OUT/$name.txt" || code=$?
    stop_pid "$PUBLISHER_PID"
    [ "$code" -eq 0 ] || [ "$code" -eq 3 ] # 3 = ran, some players unhealthy
}

RAN=()

# ---------------------------------------------------------------- LKM.NET
log "LKM.NET ($LKM_REPO, $(git -C "$LKM_REPO" rev-parse --short HEAD 2>/dev/null || echo '?'))"
dotnet "$LKM_REPO/host/Lkm.Host/bin/$CONFIGURATION/net10.0/Lkm.Host.dll" --config "$LKM_REPO/lkm.yaml" \
    --set server.http="$HTTP_PORT" --set server.listen=127.0.0.1 --set plugins.rtmp.port="$RTMP_PORT" >"$WORK/lkm.log" 2>&1 &
LKM_PID=$!
PIDS+=("$LKM_PID")
for ((i = 0; i < 150; i++)); do
    grep -q "LKM.NET ready" "$WORK/lkm.log" && break
    alive "$LKM_PID" || break
    sleep 0.2
done
if grep -q "LKM.NET ready" "$WORK/lkm.log"; then
    # /metrics is on the media port with the shipped lkm.yaml (api.listen empty).
    metrics=(--server-metrics "http://127.0.0.1:$HTTP_PORT/metrics")
    [ -z "${LKM_BENCH_METRICS_TOKEN:-}" ] || metrics+=(--server-metrics-token "$LKM_BENCH_METRICS_TOKEN")
    # shellcheck disable=SC2046 # play_urls prints words without spaces
    run_scenario lkm "$LKM_PID" "rtmp://127.0.0.1:$RTMP_PORT/live/bench" $(play_urls "$RTMP_PORT" "$HTTP_PORT") "${metrics[@]}" && RAN+=(lkm)
else
    echo "LKM.NET did not start:" >&2
    tail -20 "$WORK/lkm.log" >&2
fi
stop_pid "$LKM_PID"

# ---------------------------------------------------------------- nginx + RTMP module
log "nginx with libnginx-mod-rtmp"
NGINX_MODULE=/usr/lib/nginx/modules/ngx_rtmp_module.so
if ! wants nginx; then
    echo "skipped: not in LKM_BENCH_PEERS" >&2
elif [ "$PROTOCOL" != rtmp ]; then
    echo "skipped: Debian's libnginx-mod-rtmp serves RTMP only, not $PROTOCOL (HTTP-FLV / WS-FLV need nginx-http-flv-module, not packaged)" >&2
else
    if [ ! -f "$NGINX_MODULE" ] || ! command -v nginx >/dev/null; then
        if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
            echo "libnginx-mod-rtmp is missing: installing it with apt-get (the nginx service is not used; nginx runs from a temporary prefix)" >&2
            (DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libnginx-mod-rtmp ||
                { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libnginx-mod-rtmp; }) >&2 || true
        fi
    fi
    if [ -f "$NGINX_MODULE" ] && command -v nginx >/dev/null; then
        NGX="$WORK/nginx"
        mkdir -p "$NGX/logs"
        # One process (master_process off) so that --server-pid sees all of nginx's work; nginx-rtmp is
        # meant to run with one worker for live streams anyway.
        cat >"$NGX/nginx.conf" <<CONF
load_module $NGINX_MODULE;
daemon off;
master_process off;
worker_processes 1;
worker_rlimit_nofile 65536;
error_log $NGX/logs/error.log warn;
pid $NGX/nginx.pid;
events { worker_connections 65536; }
rtmp {
    server {
        listen 127.0.0.1:$RTMP_PORT;
        chunk_size 4096;
        application live {
            live on;
            record off;
        }
    }
}
CONF
        nginx -p "$NGX" -e "$NGX/logs/error.log" -c "$NGX/nginx.conf" >"$NGX/logs/stdout.log" 2>&1 &
        NGINX_PID=$!
        PIDS+=("$NGINX_PID")
        if wait_port "$RTMP_PORT" 10; then
            run_scenario nginx "$NGINX_PID" "rtmp://127.0.0.1:$RTMP_PORT/live/bench" --url "rtmp://127.0.0.1:$RTMP_PORT/live/bench" && RAN+=(nginx)
        else
            echo "nginx did not start:" >&2
            cat "$NGX/logs/error.log" "$NGX/logs/stdout.log" >&2 || true
        fi
        stop_pid "$NGINX_PID"
    else
        echo "skipped: libnginx-mod-rtmp is not installed and could not be installed" >&2
    fi
fi

# ---------------------------------------------------------------- Node-Media-Server
log "Node-Media-Server v$NMS_MAJOR"
NMS_DIR="$CACHE/node-media-server"
NMS_APP="$NMS_DIR/node_modules/node-media-server/bin/app.js"
if wants nms && command -v node >/dev/null && command -v npm >/dev/null; then
    if [ ! -f "$NMS_APP" ]; then
        echo "installing node-media-server@$NMS_MAJOR into $NMS_DIR with npm" >&2
        npm install --prefix "$NMS_DIR" "node-media-server@$NMS_MAJOR" --no-audit --no-fund --loglevel=error >&2 || true
    fi
fi
NMS_PKG="$NMS_DIR/node_modules/node-media-server/package.json"
nms_version() { node -p "require('$NMS_PKG').version" 2>/dev/null || true; }
# WS-FLV (ws://host:http-port/app/name.flv) came with 4.0.21 (its HTTP server got a WebSocket server).
nms_has_ws() { node -e "const [a, b, c] = require('$NMS_PKG').version.split('.').map(Number); process.exit(a > 4 || (a === 4 && (b > 0 || c >= 21)) ? 0 : 1)" 2>/dev/null; }
if ! wants nms; then
    echo "skipped: not in LKM_BENCH_PEERS" >&2
elif [ ! -f "$NMS_APP" ] || [ "$(nms_version | cut -d. -f1)" != "$NMS_MAJOR" ]; then
    echo "skipped: node-media-server@$NMS_MAJOR could not be installed (needs node >= 20 and npm)" >&2
elif { [ "$PROTOCOL" = ws-flv ] || [ "$PROTOCOL" = mixed ]; } && ! nms_has_ws; then
    echo "skipped: node-media-server $(nms_version) in $NMS_DIR has no WS-FLV (4.0.21 and later have; delete that folder to reinstall)" >&2
else
    NMS="$WORK/nms"
    mkdir -p "$NMS"
    # v4 config (bin/config.json shape): no webadmin, no recording, RTMP and HTTP/WS-FLV on 127.0.0.1.
    cat >"$NMS/config.json" <<CONF
{
    "bind": "127.0.0.1",
    "rtmp": { "port": $RTMP_PORT },
    "http": { "port": $HTTP_PORT },
    "webadmin": { "enable": false },
    "record": { "auto": false, "path": "./record" },
    "store": { "path": "./data", "maxHistory": 100 },
    "notify": { "url": "" }
}
CONF
    node "$NMS_APP" -c "$NMS/config.json" >"$NMS/nms.log" 2>&1 &
    NMS_PID=$!
    PIDS+=("$NMS_PID")
    if wait_port "$RTMP_PORT" 15 && wait_port "$HTTP_PORT" 5; then
        # shellcheck disable=SC2046 # play_urls prints words without spaces
        run_scenario nms "$NMS_PID" "rtmp://127.0.0.1:$RTMP_PORT/live/bench" $(play_urls "$RTMP_PORT" "$HTTP_PORT") && RAN+=(nms)
    else
        echo "Node-Media-Server did not start:" >&2
        tail -20 "$NMS/nms.log" >&2
    fi
    stop_pid "$NMS_PID"
fi

# ---------------------------------------------------------------- summary
log "summary: $PROTOCOL, $PLAYERS players, ${DURATION}s steady, source ${EXPECT_KBPS} kbps (results in $OUT)"
# gap p90 / max: the longest wait between media deliveries per player in the steady phase (p90 over players, and
# the worst player); gc: the server's collections gen0/gen1/gen2, GC pause and allocation rate over the steady
# phase (LKM.NET only: read from its /metrics).
printf '%-8s %11s %8s %8s %8s %7s %7s %8s %8s %11s %8s %9s %6s\n' server healthy "cpu avg%" "cpu max%" "rss MiB" "kf p50" "kf p99" \
    "gap p90" "gap max" "gc 0/1/2" "pause ms" "alloc MiB/s" "bench%"
declare -A CPU RSS
for name in "${RAN[@]}"; do
    f="$OUT/$name.json"
    CPU[$name]="$(json_number "$f" .server.cpuAvgPercent "r['server']['cpuAvgPercent']")"
    RSS[$name]="$(json_number "$f" .server.rssMaxMiB "r['server']['rssMaxMiB']")"
    gc="-" pause="-" alloc="-"
    if [ -n "$(json_number "$f" .serverGc.gen0Collections "(r.get('serverGc') or {}).get('gen0Collections')")" ]; then
        gc="$(json_number "$f" .serverGc.gen0Collections "r['serverGc']['gen0Collections']")/$(json_number "$f" .serverGc.gen1Collections "r['serverGc']['gen1Collections']")/$(json_number "$f" .serverGc.gen2Collections "r['serverGc']['gen2Collections']")"
        pause="$(json_number "$f" .serverGc.pauseMs "r['serverGc']['pauseMs']")"
        alloc="$(json_number "$f" .serverGc.allocatedMiBPerSecond "r['serverGc']['allocatedMiBPerSecond']")"
    fi
    printf '%-8s %11s %8s %8s %8s %7s %7s %8s %8s %11s %8s %9s %6s\n' "$name" \
        "$(json_number "$f" .overall.healthy "r['overall']['healthy']")/$PLAYERS" "${CPU[$name]}" \
        "$(json_number "$f" .server.cpuMaxPercent "r['server']['cpuMaxPercent']")" "${RSS[$name]}" \
        "$(json_number "$f" .overall.firstKeyframeMs.p50 "(r['overall']['firstKeyframeMs'] or {}).get('p50')")" \
        "$(json_number "$f" .overall.firstKeyframeMs.p99 "(r['overall']['firstKeyframeMs'] or {}).get('p99')")" \
        "$(json_number "$f" .overall.steadyGapMs.p90 "(r['overall'].get('steadyGapMs') or {}).get('p90')")" \
        "$(json_number "$f" .overall.steadyGapMs.max "(r['overall'].get('steadyGapMs') or {}).get('max')")" \
        "$gc" "${pause:--}" "${alloc:--}" \
        "$(json_number "$f" .bench.cpuAvgPercent "r['bench']['cpuAvgPercent']")"
    warning="$(json_number "$f" .serverGc.warning "(r.get('serverGc') or {}).get('warning')")"
    [ -z "$warning" ] || echo "         $name server metrics: $warning"
done
if [ -n "${CPU[lkm]:-}" ]; then
    for peer in nginx nms; do
        [ -n "${CPU[$peer]:-}" ] || continue
        awk -v p="$peer" -v oc="${CPU[lkm]}" -v tc="${CPU[$peer]}" -v orss="${RSS[lkm]}" -v trss="${RSS[$peer]}" 'BEGIN {
            printf "ours / %-5s  CPU %s  RSS %s\n", p, (tc > 0 ? sprintf("%.2f", oc / tc) : "n/a"), (trss > 0 ? sprintf("%.2f", orss / trss) : "n/a") }'
    done
fi
