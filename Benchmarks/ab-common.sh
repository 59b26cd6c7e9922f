# Shared by the A/B scripts (fanout-ab.sh, idle-ab.sh, acked-ab.sh): a fresh database and server
# per run with the rate limits out of the way, and the A B B A / B A A B order of the runs.
# Source it; the caller defines run LABEL BINARY.

loadavg() { cut -d' ' -f1 /proc/loadavg; }

# ab_serve BINARY PORT [VAR=VALUE ...]: starts BINARY on a fresh database in a new temporary
# directory with the extra environment; sets AB_DIR, AB_TOKEN (an admin's), AB_PID and AB_PORT.
ab_serve() {
    local binary=$1 port=$2; shift 2
    AB_PORT=$port
    AB_DIR=$(mktemp -d /tmp/ab-run.XXXX)
    AB_TOKEN=$("$binary" admin user add benchadmin --role admin --db "$AB_DIR/swarm.sqlite" | sed -n 's/^token: //p')
    env SWARM_LIMITS_OPS_PER_SECOND=1000000 SWARM_LIMITS_OPS_BURST=1000000 "$@" \
        "$binary" serve --db "$AB_DIR/swarm.sqlite" --port "$port" >"$AB_DIR/log" 2>&1 &
    AB_PID=$!
    for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
}

# ab_load SWARM_LOAD [ARG ...]: runs the load tool against the server ab_serve started (its URL,
# admin token and pid filled in, --json added); sets AB_JSON (the tool's summary line) and AB_LOAD1
# (the 1-minute load average before and after, "start-end").
ab_load() {
    local load=$1; shift
    local l0; l0=$(loadavg)
    AB_JSON=$("$load" --url "ws://127.0.0.1:$AB_PORT/v1/ws" --admin-token "$AB_TOKEN" --server-pid "$AB_PID" "$@" --json | tail -1)
    AB_LOAD1="$l0-$(loadavg)"
}

# ab_stop: stops the server ab_serve started and removes its directory.
ab_stop() {
    kill "$AB_PID"; wait "$AB_PID" 2>/dev/null || true
    rm -rf "$AB_DIR"
}

# ab_round ROUND BEFORE AFTER [ARG ...]: run before|after BINARY ARG..., A B B A in odd rounds
# and B A A B in even ones, so drift in the machine's load falls on both sides.
ab_round() {
    local round=$1 before=$2 after=$3 x order; shift 3
    if (( round % 2 )); then order="A B B A"; else order="B A A B"; fi
    for x in $order; do
        if [[ $x == A ]]; then run before "$before" "$@"; else run after "$after" "$@"; fi
    done
}

# ab_fanout LABEL SWARMD SWARM_LOAD RATE CONNECTIONS SENDERS [PORT]: one fan-out run on a fresh
# server (15 s, every connection a member of one channel); prints one tab-separated line:
#   UTC label rate load1(start-end) other% delivered/s server% us/delivery e2e-p50 e2e-p99 frames/write
ab_fanout() {
    local label=$1 binary=$2 load=$3 rate=$4 connections=$5 senders=$6 port=${7:-7463}
    ab_serve "$binary" "$port"
    ab_load "$load" --connections "$connections" --senders "$senders" --rate "$rate" --duration 15
    local metrics; metrics=$(curl -s "http://127.0.0.1:$port/metrics")
    ab_stop
    python3 - "$label" "$rate" "$AB_LOAD1" "$AB_JSON" "$metrics" <<'PY'
import json, sys, time
label, rate, load1, j, metrics = sys.argv[1:]
r = json.loads(j)
m = {}
for line in metrics.splitlines():
    if line.startswith(("swarm_frames_out_total", "swarm_frame_writes_total")):
        k, v = line.split()[:2]; m[k.split("{")[0]] = float(v)
fpw = m.get("swarm_frames_out_total", 0) / max(1, m.get("swarm_frame_writes_total", 1))
dps = r.get("delivered_per_second") or 0
cpu = r.get("server_cpu_percent") or 0
us = cpu / 100 * 1e6 / dps if dps else float("nan")
print(f"{time.strftime('%H:%M', time.gmtime())}\t{label}\t{rate}\t{load1}\t{r.get('other_cpu_percent')}\t{dps:.0f}\t{cpu}\t{us:.1f}\t{r.get('e2e_p50_ms')}\t{r.get('e2e_p99_ms')}\t{fpw:.2f}", flush=True)
PY
}
