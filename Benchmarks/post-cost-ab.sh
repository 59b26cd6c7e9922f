#!/usr/bin/env bash
# Server CPU per post at a low rate, two swarmd binaries alternated (A B B A per round): the
# peers driver (`peers/run.sh`, Python, websockets) against a fresh server and database each run,
# 5 members so fan-out is small, 5 senders, 20 posts/s. What a post costs besides its deliveries
# (parse, commit, search index, publish) is what sets CPU per delivery at 200 members. One line
# per run:  UTC server posts server-cpu-s ms/post µs/delivery p50-ms p99-ms
# Usage: Benchmarks/post-cost-ab.sh BEFORE_DIR AFTER_DIR [SECONDS] [ROUNDS]   (each DIR holds a swarmd)
# MEMBERS (5) and RATE (20 posts/s) change the workload: MEMBERS=200 RATE=40 is the peers
# comparison's fan-out, for an A/B of CPU per delivery between two swarmd builds.
set -euo pipefail
[ $# -ge 2 ] || { echo "usage: $0 BEFORE_DIR AFTER_DIR [SECONDS] [ROUNDS]   (each DIR holds a swarmd)" >&2; exit 2; }
here=$(cd "$(dirname "$0")" && pwd)
before=$1 after=$2 seconds=${3:-40} rounds=${4:-2}
run() {  # $1 label, $2 dir
    local err work
    err=$(mktemp)
    # From a neutral directory: an older binary may not know the keys of this checkout's config/swarmd.toml.
    (cd /tmp && PEERS=swarm MEMBERS="${MEMBERS:-5}" SENDERS=5 RATES="${RATE:-20}" SECONDS_EACH="$seconds" ROUNDS=1 IDLE=0 \
        bash "$here/peers/run.sh" "$2" > /dev/null 2> "$err") || true
    work=$(sed -n 's/^logs and results kept in //p' "$err")
    if [ -z "$work" ] || [ ! -s "$work/results.jsonl" ]; then
        echo "$(date -u +%H:%M)	$1	failed: $(tail -1 "$err")"; rm -f "$err"; return
    fi
    rm -f "$err"
    python3 - "$1" "$work/results.jsonl" <<'PY'
import json, sys, time
label, path = sys.argv[1:]
r = [json.loads(line) for line in open(path) if line.strip()][0]
if r.get("failed"):
    print(f"{time.strftime('%H:%M', time.gmtime())}\t{label}\tfailed", flush=True); sys.exit()
# The CPU window is the posting window plus the driver's drain; per post over the posts sent in it.
print(f"{time.strftime('%H:%M', time.gmtime())}\t{label}\t{r['posts']}\t{r['server_cpu_s']}\t{r['server_cpu_s'] / r['posts'] * 1000:.2f}"
      f"\t{r['us_per_delivery']}\t{r['p50_ms']}\t{r['p99_ms']}", flush=True)
PY
}
for round in $(seq "$rounds"); do
    if (( round % 2 )); then order="before after after before"; else order="after before before after"; fi
    for label in $order; do
        if [ "$label" = before ]; then run before "$before"; else run after "$after"; fi
    done
done
