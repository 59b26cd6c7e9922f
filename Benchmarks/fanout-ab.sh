#!/usr/bin/env bash
# Fan-out CPU per delivery, two swarmd binaries alternated (A B B A per rate and round), a fresh
# database and server per run, rate limits out of the way. One line per run:
#   UTC server rate load1(start-end) other% delivered/s server% us/delivery e2e-p50 e2e-p99 frames/write
# Usage: Benchmarks/fanout-ab.sh BEFORE_SWARMD AFTER_SWARMD SWARM_LOAD [RATES] [ROUNDS] [PORT]
set -euo pipefail
before=$1 after=$2 load=$3
rates=${4:-"20 40 60 80"} rounds=${5:-1} port=${6:-7463}
. "$(dirname "$0")/ab-common.sh"
run() {  # $1 label, $2 binary, $3 rate
    ab_serve "$2" "$port"
    ab_load "$load" --connections 1000 --senders 10 --rate "$3" --duration 15
    local metrics; metrics=$(curl -s "http://127.0.0.1:$port/metrics")
    ab_stop
    python3 - "$1" "$3" "$AB_LOAD1" "$AB_JSON" "$metrics" <<'PY'
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
for round in $(seq "$rounds"); do
    for rate in $rates; do ab_round "$round" "$before" "$after" "$rate"; done
done
