#!/usr/bin/env bash
# Fan-out CPU per delivery, two swarmd binaries alternated (A B B A per rate and round), a fresh
# database and server per run, rate limits out of the way. One line per run:
#   UTC server rate load1(start-end) other% delivered/s server% us/delivery e2e-p50 e2e-p99 frames/write
# Usage: Benchmarks/fanout-ab.sh BEFORE_SWARMD AFTER_SWARMD SWARM_LOAD [RATES] [ROUNDS] [PORT]
set -euo pipefail
before=$1 after=$2 load=$3
rates=${4:-"20 40 60 80"} rounds=${5:-1} port=${6:-7463}
loadavg() { cut -d' ' -f1 /proc/loadavg; }
run() {  # $1 label, $2 binary, $3 rate
    local d; d=$(mktemp -d /tmp/fanout-run.XXXX)
    local token; token=$("$2" admin user add benchadmin --role admin --db "$d/swarm.sqlite" | sed -n 's/^token: //p')
    SWARM_LIMITS_OPS_PER_SECOND=1000000 SWARM_LIMITS_OPS_BURST=1000000 "$2" serve --db "$d/swarm.sqlite" --port "$port" >"$d/log" 2>&1 &
    local pid=$!
    for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
    local l0; l0=$(loadavg)
    local json; json=$("$load" --url "ws://127.0.0.1:$port/v1/ws" --admin-token "$token" --server-pid "$pid" \
        --connections 1000 --senders 10 --rate "$3" --duration 15 --json | tail -1)
    local l1; l1=$(loadavg)
    local metrics; metrics=$(curl -s "http://127.0.0.1:$port/metrics")
    kill "$pid"; wait "$pid" 2>/dev/null || true
    rm -rf "$d"
    python3 - "$1" "$3" "$l0" "$l1" "$json" "$metrics" <<'PY'
import json, sys, time
label, rate, l0, l1, j, metrics = sys.argv[1:]
r = json.loads(j)
m = {}
for line in metrics.splitlines():
    if line.startswith(("swarm_frames_out_total", "swarm_frame_writes_total")):
        k, v = line.split()[:2]; m[k.split("{")[0]] = float(v)
fpw = m.get("swarm_frames_out_total", 0) / max(1, m.get("swarm_frame_writes_total", 1))
dps = r.get("delivered_per_second") or 0
cpu = r.get("server_cpu_percent") or 0
us = cpu / 100 * 1e6 / dps if dps else float("nan")
print(f"{time.strftime('%H:%M', time.gmtime())}\t{label}\t{rate}\t{l0}-{l1}\t{r.get('other_cpu_percent')}\t{dps:.0f}\t{cpu}\t{us:.1f}\t{r.get('e2e_p50_ms')}\t{r.get('e2e_p99_ms')}\t{fpw:.2f}", flush=True)
PY
}
for round in $(seq "$rounds"); do
    for rate in $rates; do
        if (( round % 2 )); then order="A B B A"; else order="B A A B"; fi
        for x in $order; do
            if [[ $x == A ]]; then run before "$before" "$rate"; else run after "$after" "$rate"; fi
        done
    done
done
