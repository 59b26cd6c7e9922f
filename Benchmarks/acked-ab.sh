#!/usr/bin/env bash
# Acknowledged posts/s (closed loop: each sender waits for its ack; synchronous = full unless
# SYNCHRONOUS says otherwise), two swarmd binaries alternated (A B B A per round), a fresh
# database and server per run, rate limits out of the way. One line per run:
#   UTC server senders load1(start-end) acked/s ack-p50-ms ack-p99-ms server% posts/commit commit-ms
# Usage: Benchmarks/acked-ab.sh BEFORE_SWARMD AFTER_SWARMD SWARM_LOAD [SENDERS] [ROUNDS] [PORT] [SECONDS]
set -euo pipefail
before=$1 after=$2 load=$3
senders=${4:-100} rounds=${5:-1} port=${6:-7467} seconds=${7:-20}
. "$(dirname "$0")/ab-common.sh"
run() {  # $1 label, $2 binary
    ab_serve "$2" "$port" SWARM_STORAGE_SYNCHRONOUS="${SYNCHRONOUS:-full}"
    ab_load "$load" --ack-only --senders "$senders" --duration "$seconds"
    local metrics; metrics=$(curl -s "http://127.0.0.1:$port/metrics")
    ab_stop
    python3 - "$1" "$senders" "$AB_LOAD1" "$AB_JSON" "$metrics" <<'PY'
import json, sys, time
label, senders, load1, j, metrics = sys.argv[1:]
r = json.loads(j)
m = {}
for line in metrics.splitlines():
    if line.startswith(("swarm_commit_batch_jobs_", "swarm_commit_seconds_")) and "{" not in line:
        k, v = line.split()[:2]; m[k] = float(v)
batch = m.get("swarm_commit_batch_jobs_sum", 0) / max(1, m.get("swarm_commit_batch_jobs_count", 1))
commit_ms = 1000 * m.get("swarm_commit_seconds_sum", 0) / max(1, m.get("swarm_commit_seconds_count", 1))
print(f"{time.strftime('%H:%M', time.gmtime())}\t{label}\t{senders}\t{load1}\t{r.get('acked_per_second')}\t{r.get('ack_p50_ms')}\t"
      f"{r.get('ack_p99_ms')}\t{r.get('server_cpu_percent')}\t{batch:.1f}\t{commit_ms:.2f}", flush=True)
PY
}
for round in $(seq "$rounds"); do ab_round "$round" "$before" "$after"; done
