#!/usr/bin/env bash
# GB28181 ingest at scale (issue 12): N UDP sources of ~1 Mbit/s each, each with one HTTP-FLV player, on this machine.
#
#   bench/gb28181.sh [N] [--duration S] [--ramp R] [--single-port] [--encode] [--out DIR]
#
# Starts a fresh LKM.NET (Release), creates N sources gb/0 .. gb/N-1 through the API
# (POST /api/v1/gb28181/source/create, setup udp, SSRC 100000+i; one port each from plugins.gb28181.port, or with
# --single-port all on one port told apart by SSRC), starts tools/Lkm.DeviceSim with N devices from one input (one
# ffmpeg for all; device i sends to source i's port with its SSRC), waits until every source is live, then:
#   1. ingest only (no players) for INGEST_WINDOW s (default 10): server CPU, and the server's allocated bytes
#      (/metrics lkm_gc_allocated_bytes_total) per received datagram (sum of `packets` of gb28181/source/list);
#   2. Lkm.Bench play with one HTTP-FLV player per source (http://127.0.0.1:P/gb/%d.flv -n N), ramp R/s, steady S s,
#      --server-pid and --server-metrics (CPU, RSS, GC counts over the steady phase); the same allocation figure is
#      taken again over the steady phase, with the simulator's and the bench's CPU;
# then stops everything it started (by id) and prints a one-line summary (also in DIR/summary.txt, DIR/summary.json).
# The input is a cached 30 s 1280x720 25 fps H.264 (936 kbit/s CBR, 2 s GOP) + AAC 64 kbit/s file made once with
# ffmpeg and copied by the simulator (--video copy --loop: a demux, no encode); --encode re-encodes a lavfi testsrc
# live instead (the simulator's --video h264 --video-bitrate 936), which costs a good part of a core at 720p.
# Environment: LKM_BENCH_CACHE (default ~/.cache/lkm-bench), LKM_BENCH_HTTP_PORT (18480), LKM_BENCH_RTMP_PORT (19435),
# LKM_BENCH_GB_PORTS (50000-60000, or the single port), LKM_BENCH_CONFIGURATION (Release), LKM_BENCH_SKIP_BUILD=1,
# INGEST_WINDOW (10), SIM_PROCESSES (1: simulator processes the devices are split over).
set -euo pipefail

SOURCES=500
DURATION=30
RAMP=100
SINGLE_PORT=0
ENCODE=0
OUT=""
while [ $# -gt 0 ]; do
    case "$1" in
        --single-port) SINGLE_PORT=1; shift; continue ;;
        --encode) ENCODE=1; shift; continue ;;
        -h|--help) sed -n '2,24p' "$0"; exit 0 ;;
        [0-9]*) SOURCES="$1"; shift; continue ;;
    esac
    [ $# -ge 2 ] || { echo "option $1 needs a value" >&2; exit 2; }
    case "$1" in
        --duration) DURATION="$2"; shift 2 ;;
        --ramp) RAMP="$2"; shift 2 ;;
        --out) OUT="$2"; shift 2 ;;
        *) echo "unknown argument: $1" >&2; exit 2 ;;
    esac
done
INGEST_WINDOW="${INGEST_WINDOW:-10}"
case "$SOURCES$DURATION$RAMP$INGEST_WINDOW" in *[!0-9]*) echo "N, --duration, --ramp and INGEST_WINDOW must be whole numbers" >&2; exit 2 ;; esac
[ "$SOURCES" -ge 1 ] && [ "$RAMP" -ge 1 ] && [ "$DURATION" -ge 10 ] || { echo "N and --ramp must be at least 1, --duration at least 10" >&2; exit 2; }
for tool in curl jq ffmpeg ffprobe; do
    command -v "$tool" >/dev/null || { echo "$tool is needed (apt-get install -y $tool)" >&2; exit 1; }
done

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE="${LKM_BENCH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/lkm-bench}"
WORK="$(mktemp -d /tmp/lkm-gb.XXXXXX)"
OUT="${OUT:-$(mktemp -d /tmp/lkm-gb-results.XXXXXX)}"
mkdir -p "$CACHE" "$OUT"
HTTP_PORT="${LKM_BENCH_HTTP_PORT:-18480}"
RTMP_PORT="${LKM_BENCH_RTMP_PORT:-19435}"
if [ "$SINGLE_PORT" = 1 ]; then GB_PORTS="${LKM_BENCH_GB_PORTS:-50000}"; else GB_PORTS="${LKM_BENCH_GB_PORTS:-50000-60000}"; fi
SSRC_BASE=100000
API="http://127.0.0.1:$HTTP_PORT/api/v1"
METRICS="http://127.0.0.1:$HTTP_PORT/metrics"
HZ="$(getconf CLK_TCK)"
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
    mkdir -p "$OUT/logs"
    cp "$WORK"/*.log "$OUT/logs/" 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

alive() { # running, not a zombie waiting to be reaped
    local state
    state="$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1)"
    [ -n "$state" ] && [ "$state" != Z ]
}

forget_pid() {
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

cpu_ticks() { # pid: utime + stime in clock ticks (0 when gone)
    sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | awk '{ print $12 + $13 }' || echo 0
}

rss_mib() { # pid
    awk '/^VmRSS:/ { printf "%.1f", $2 / 1024 }' "/proc/$1/status" 2>/dev/null || echo 0
}

metric() { # file name: the sum of a metric's samples (all label sets)
    awk -v n="$2" '$1 == n || index($1, n "{") == 1 { s += $NF } END { printf "%.0f", s }' "$1"
}

gc_metric() { # file generation
    awk -v g="$2" 'index($1, "lkm_gc_collections_total{") == 1 && index($1, "generation=\"" g "\"") > 0 { printf "%.0f", $NF }' "$1"
}

# A sample of the server: time, its CPU ticks, datagrams received by every source, allocated bytes, GC counts,
# and the simulator's CPU ticks. Written as "key value" lines to $WORK/sample-NAME.
sample() { # name
    local f="$WORK/sample-$1" m="$WORK/metrics-$1"
    local packets
    # The list first and /metrics last, so that building the list's JSON is not inside the window that ends here.
    packets="$(curl -sf "$API/gb28181/source/list" | jq '[.data.sources[].packets] | add // 0')"
    curl -sf "$METRICS" >"$m"
    {
        echo "time $(date +%s.%N)"
        echo "server $(cpu_ticks "$LKM_PID")"
        echo "sim $(for pid in "${SIM_PIDS[@]}"; do cpu_ticks "$pid"; done | awk '{ s += $1 } END { print s + 0 }')"
        echo "packets $packets"
        echo "allocated $(metric "$m" lkm_gc_allocated_bytes_total)"
        echo "gen0 $(gc_metric "$m" 0)"
        echo "gen1 $(gc_metric "$m" 1)"
        echo "gen2 $(gc_metric "$m" 2)"
        echo "rss $(rss_mib "$LKM_PID")"
        awk '$1 == "cpu" { print "busy", $2 + $3 + $4 + $7 + $8; print "all", $2 + $3 + $4 + $5 + $6 + $7 + $8 }' /proc/stat
    } >"$f"
}

value() { awk -v k="$2" '$1 == k { print $2 }' "$WORK/sample-$1"; }

# window a b: "seconds server-cpu% sim-cpu% datagrams/s bytes/datagram gen0/gen1/gen2 machine-busy%" between two
# samples (machine busy: the whole machine's non-idle share from /proc/stat, softirq included, 100 = every core).
window() {
    awk -v hz="$HZ" -v t0="$(value "$1" time)" -v t1="$(value "$2" time)" \
        -v s0="$(value "$1" server)" -v s1="$(value "$2" server)" -v d0="$(value "$1" sim)" -v d1="$(value "$2" sim)" \
        -v p0="$(value "$1" packets)" -v p1="$(value "$2" packets)" -v a0="$(value "$1" allocated)" -v a1="$(value "$2" allocated)" \
        -v g00="$(value "$1" gen0)" -v g01="$(value "$2" gen0)" -v g10="$(value "$1" gen1)" -v g11="$(value "$2" gen1)" \
        -v g20="$(value "$1" gen2)" -v g21="$(value "$2" gen2)" \
        -v b0="$(value "$1" busy)" -v b1="$(value "$2" busy)" -v c0="$(value "$1" all)" -v c1="$(value "$2" all)" 'BEGIN {
        t = t1 - t0; p = p1 - p0
        printf "%.1f %.1f %.1f %.0f %.1f %d/%d/%d %.0f\n", t, 100 * (s1 - s0) / hz / t, 100 * (d1 - d0) / hz / t, p / t,
            (p > 0 ? (a1 - a0) / p : -1), g01 - g00, g11 - g10, g21 - g20, (c1 > c0 ? 100 * (b1 - b0) / (c1 - c0) : 0) }'
}

if port_open "$HTTP_PORT" || port_open "$RTMP_PORT"; then
    echo "port $HTTP_PORT or $RTMP_PORT on 127.0.0.1 is in use; set LKM_BENCH_HTTP_PORT / LKM_BENCH_RTMP_PORT" >&2
    exit 1
fi
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

# ---------------------------------------------------------------- build and input
CONFIGURATION="${LKM_BENCH_CONFIGURATION:-Release}"
if [ "${LKM_BENCH_SKIP_BUILD:-0}" != 1 ]; then
    log "building LKM.NET, Lkm.Bench and Lkm.DeviceSim ($CONFIGURATION)"
    for project in host/Lkm.Host/Lkm.Host.csproj tools/Lkm.Bench/Lkm.Bench.csproj tools/Lkm.DeviceSim/Lkm.DeviceSim.csproj; do
        dotnet build -c "$CONFIGURATION" "$REPO/$project" -nologo -v q
    done
fi
BENCH=(dotnet "$REPO/tools/Lkm.Bench/bin/$CONFIGURATION/net10.0/Lkm.Bench.dll")
SIM=(dotnet "$REPO/tools/Lkm.DeviceSim/bin/$CONFIGURATION/net10.0/lkm-devicesim.dll")

if [ "$ENCODE" = 1 ]; then
    MEDIA=(--input "lavfi:testsrc2=size=1280x720:rate=25" --input-audio "lavfi:sine=frequency=440:sample_rate=44100"
        --video h264 --video-bitrate 936 --audio aac)
    EXPECT_KBPS=1000
    INPUT_NAME="live encode of lavfi testsrc2 1280x720 25 fps, H.264 936 kbit/s + AAC 64 kbit/s"
else
    # A tight VBV buffer keeps every GOP at the nominal rate, so that the players' bitrate check measures the server.
    SOURCE="$CACHE/source-720p-1mbit-h264-aac-cbr.mp4"
    if [ ! -s "$SOURCE" ]; then
        log "making $SOURCE (30 s, 1280x720 25 fps, H.264 936 kbit/s CBR, 2 s GOP + AAC 64 kbit/s)"
        ffmpeg -hide_banner -loglevel error -y \
            -f lavfi -i testsrc2=size=1280x720:rate=25 -f lavfi -i sine=frequency=440:sample_rate=44100 -t 30 \
            -c:v libx264 -preset veryfast -tune zerolatency -profile:v main -pix_fmt yuv420p \
            -g 50 -keyint_min 50 -sc_threshold 0 -b:v 936k -minrate 936k -maxrate 936k -bufsize 94k \
            -x264-params nal-hrd=cbr:force-cfr=1 -c:a aac -b:a 64k -ar 44100 -ac 2 -f mp4 "$SOURCE.tmp"
        mv "$SOURCE.tmp" "$SOURCE"
    fi
    MEDIA=(--input "$SOURCE" --video copy --audio aac)
    EXPECT_KBPS="$(ffprobe -v error -show_entries stream=bit_rate -of csv=p=0 "$SOURCE" | awk '$1 > 0 { s += $1 } END { printf "%d", s / 1000 }')"
    INPUT_NAME="$(basename "$SOURCE") (copied, looped)"
fi

# ---------------------------------------------------------------- server and sources
log "LKM.NET ($(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo '?')), plugins.gb28181.port=$GB_PORTS"
dotnet "$REPO/host/Lkm.Host/bin/$CONFIGURATION/net10.0/Lkm.Host.dll" --config "$REPO/lkm.yaml" \
    --set server.http="$HTTP_PORT" --set server.listen=127.0.0.1 --set plugins.rtmp.port="$RTMP_PORT" \
    --set plugins.gb28181.port="$GB_PORTS" >"$WORK/lkm.log" 2>&1 &
LKM_PID=$!
PIDS+=("$LKM_PID")
for ((i = 0; i < 150; i++)); do
    grep -q "LKM.NET ready" "$WORK/lkm.log" && break
    alive "$LKM_PID" || break
    sleep 0.2
done
grep -q "LKM.NET ready" "$WORK/lkm.log" || { echo "LKM.NET did not start:" >&2; tail -20 "$WORK/lkm.log" >&2; exit 1; }
IDLE_RSS="$(rss_mib "$LKM_PID")"

log "creating $SOURCES UDP sources gb/0 .. gb/$((SOURCES - 1))"
TARGETS=()
for ((i = 0; i < SOURCES; i++)); do
    answer="$(curl -sS -X POST -H 'Content-Type: application/json' \
        -d "{\"source\":\"gb/$i\",\"setup\":\"udp\",\"ssrc\":$((SSRC_BASE + i))}" "$API/gb28181/source/create")"
    port="$(jq -r 'if .code == 200 then .data.port else empty end' <<<"$answer")"
    [ -n "$port" ] || { echo "source/create gb/$i failed: $answer" >&2; exit 1; }
    TARGETS+=("127.0.0.1:$port")
done
CREATED_RSS="$(rss_mib "$LKM_PID")"

# ---------------------------------------------------------------- devices
SIM_SECONDS=$((120 + INGEST_WINDOW + SOURCES / RAMP + DURATION))
# SIM_PROCESSES=K splits the devices over K simulator processes (each with its own ffmpeg demux): one process sends
# every datagram from one loop, and at ~60 000 datagrams/s on this machine it falls behind real time.
SIM_PROCESSES="${SIM_PROCESSES:-1}"
log "device simulator: $SOURCES devices in $SIM_PROCESSES process(es), $INPUT_NAME"
SIM_PIDS=()
for ((k = 0; k < SIM_PROCESSES; k++)); do
    first=$((SOURCES * k / SIM_PROCESSES)) count=$((SOURCES * (k + 1) / SIM_PROCESSES - SOURCES * k / SIM_PROCESSES))
    [ "$count" -gt 0 ] || continue
    if [ "$SINGLE_PORT" = 1 ]; then
        target_args=(--target "${TARGETS[0]}")
    else
        target_args=(--targets "$(IFS=,; echo "${TARGETS[*]:$first:$count}")")
    fi
    "${SIM[@]}" gb28181 "${MEDIA[@]}" --loop --duration "$SIM_SECONDS" \
        "${target_args[@]}" --devices "$count" --ssrc "$((SSRC_BASE + first))" >"$WORK/sim-$k.log" 2>&1 &
    SIM_PIDS+=($!)
    PIDS+=($!)
done
SIM_PID="${SIM_PIDS[0]}"
live=0
for ((i = 0; i < 60; i++)); do
    sleep 1
    for pid in "${SIM_PIDS[@]}"; do
        alive "$pid" || { echo "a device simulator ended:" >&2; tail -20 "$WORK"/sim-*.log >&2; exit 1; }
    done
    live="$(curl -sf "$API/gb28181/source/list" | jq '[.data.sources[] | select(.state == "live" and .packets > 0)] | length')"
    [ "$live" -lt "$SOURCES" ] || break
done
[ "$live" -ge "$SOURCES" ] || { echo "only $live of $SOURCES sources went live in 60 s" >&2; exit 1; }
sleep 6 # the probe window (3 s) and a GOP in every stream's cache

log "ingest only: ${INGEST_WINDOW}s"
sample ingest0
sleep "$INGEST_WINDOW"
sample ingest1
read -r I_SECONDS I_CPU I_SIM I_DGRAMS I_BPD I_GC I_BUSY <<<"$(window ingest0 ingest1)"
I_RSS="$(value ingest1 rss)"
echo "ingest only: server CPU $I_CPU %, RSS $I_RSS MiB, $I_DGRAMS datagrams/s, $I_BPD B allocated per datagram, GC $I_GC, simulator $I_SIM %, machine $I_BUSY % busy (${I_SECONDS}s)" >&2

# ---------------------------------------------------------------- players
RAMP_SECONDS=$(((SOURCES + RAMP - 1) / RAMP))
log "players: $SOURCES HTTP-FLV (one per source), ramp $RAMP/s, steady ${DURATION}s"
(
    # The allocation window of the steady phase: from 3 s after the ramp to 3 s before the end.
    sleep $((RAMP_SECONDS + 3))
    sample steady0
    sleep $((DURATION - 6))
    sample steady1
) &
SAMPLER_PID=$!
PIDS+=("$SAMPLER_PID")
code=0
"${BENCH[@]}" play --url "http://127.0.0.1:$HTTP_PORT/gb/%d.flv" -n "$SOURCES" --ramp "$RAMP" --duration "$DURATION" \
    --expect-kbps "$EXPECT_KBPS" --server-pid "$LKM_PID" --server-metrics "$METRICS" --json "$OUT/play.json" | tee "$OUT/play.txt" || code=$?
wait "$SAMPLER_PID" 2>/dev/null || true
forget_pid "$SAMPLER_PID"
[ "$code" -eq 0 ] || [ "$code" -eq 3 ] || { echo "the bench failed (exit $code)" >&2; exit 1; }
read -r S_SECONDS S_CPU S_SIM S_DGRAMS S_BPD S_GC S_BUSY <<<"$(window steady0 steady1)"
curl -sf "$API/gb28181/source/list" >"$OUT/sources.json" || true
for pid in "${SIM_PIDS[@]}"; do stop_pid "$pid"; done
stop_pid "$LKM_PID"

# ---------------------------------------------------------------- summary
J="$OUT/play.json"
q() { jq -r "$1 // \"-\"" "$J"; }
CPU="$(q .server.cpuAvgPercent)"
RSS="$(q .server.rssMaxMiB)"
PER_CPU="$(awk -v c="$CPU" -v n="$SOURCES" 'BEGIN { printf "%.3f", c / n }')"
PER_RSS="$(awk -v r="$RSS" -v i="$IDLE_RSS" -v n="$SOURCES" 'BEGIN { printf "%.0f", (r - i) * 1024 / n }')"
LOSS="$(jq '[.data.sources[] | .gaps] | add // 0' "$OUT/sources.json" 2>/dev/null || echo -)"
DROPPED="$(jq '[.data.sources[] | .dropped_frames] | add // 0' "$OUT/sources.json" 2>/dev/null || echo -)"
jq -n --argjson n "$SOURCES" --arg mode "$([ "$SINGLE_PORT" = 1 ] && echo single-port || echo port-per-source)" --arg input "$INPUT_NAME" \
    --argjson expect "$EXPECT_KBPS" --argjson idleRss "$IDLE_RSS" --argjson createdRss "$CREATED_RSS" \
    --argjson iCpu "$I_CPU" --argjson iRss "$I_RSS" --argjson iSim "$I_SIM" --argjson iDg "$I_DGRAMS" --argjson iBpd "$I_BPD" --arg iGc "$I_GC" --argjson iBusy "$I_BUSY" --argjson sBusy "$S_BUSY" \
    --argjson sCpu "$S_CPU" --argjson sSim "$S_SIM" --argjson sDg "$S_DGRAMS" --argjson sBpd "$S_BPD" --arg sGc "$S_GC" --argjson sSec "$S_SECONDS" \
    --argjson gaps "${LOSS:-0}" --argjson droppedFrames "${DROPPED:-0}" --slurpfile play "$J" '{
    sources: $n, mode: $mode, input: $input, expectKbps: $expect, idleRssMiB: $idleRss, rssAfterCreateMiB: $createdRss,
    ingestOnly: { serverCpuPercent: $iCpu, serverRssMiB: $iRss, simulatorCpuPercent: $iSim, datagramsPerSecond: $iDg, allocatedBytesPerDatagram: $iBpd, gc: $iGc, machineBusyPercent: $iBusy },
    steady: { seconds: $sSec, serverCpuPercent: $sCpu, simulatorCpuPercent: $sSim, datagramsPerSecond: $sDg, allocatedBytesPerDatagram: $sBpd, gc: $sGc, machineBusyPercent: $sBusy },
    rtpGaps: $gaps, droppedFrames: $droppedFrames,
    players: { healthy: $play[0].overall.healthy, server: $play[0].server, bench: $play[0].bench, serverGc: $play[0].serverGc,
               firstKeyframeMs: $play[0].overall.firstKeyframeMs, steadyGapMs: $play[0].overall.steadyGapMs } }' >"$OUT/summary.json"

log "summary: $SOURCES GB28181 UDP sources ($([ "$SINGLE_PORT" = 1 ] && echo "one port" || echo "a port each")), one HTTP-FLV player each, ${DURATION}s steady (results in $OUT)"
{
    printf '%7s %9s %8s %8s %9s %9s %9s %7s %7s %8s %9s %10s %6s %6s %9s %9s %6s\n' sources healthy "cpu avg%" "rss MiB" "cpu/src%" "KiB/src" \
        "ingest%" "kf p50" "kf p99" "gap p90" "gc 0/1/2" "B/dgram" "sim%" "bench%" "dgram/s" "rtp gaps" "busy%"
    printf '%7s %9s %8s %8s %9s %9s %9s %7s %7s %8s %9s %10s %6s %6s %9s %9s %6s\n' "$SOURCES" "$(q .overall.healthy)/$SOURCES" "$CPU" "$RSS" \
        "$PER_CPU" "$PER_RSS" "$I_CPU" "$(q .overall.firstKeyframeMs.p50)" "$(q .overall.firstKeyframeMs.p99)" \
        "$(q .overall.steadyGapMs.p90)" \
        "$(q .serverGc.gen0Collections)/$(q .serverGc.gen1Collections)/$(q .serverGc.gen2Collections)" \
        "$I_BPD/$S_BPD" "$S_SIM" "$(q .bench.cpuAvgPercent)" "$S_DGRAMS" "$LOSS" "$S_BUSY"
    echo "cpu/rss: server over the steady phase (Lkm.Bench --server-pid); KiB/src = (max RSS - idle server's $IDLE_RSS MiB) / N;"
    echo "ingest% = server CPU with the sources and no players; B/dgram = allocated bytes per received datagram, ingest only / with players;"
    echo "sim% = the device simulator's CPU over the steady phase; gc = the server's collections over the steady phase;"
    echo "dgram/s = datagrams received per second with players (the simulator sends ~$((SOURCES * 143)) when it keeps real time);"
    echo "busy% = the whole machine's non-idle share over the steady phase (softirq included; 100 = both cores)."
} | tee "$OUT/summary.txt"
