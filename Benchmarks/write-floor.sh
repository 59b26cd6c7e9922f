#!/usr/bin/env bash
# swarmd's CPU per delivery against the kernel's floor, in one run: `write-floor` writes a
# message.new-sized frame to each of N loopback sockets per "post" from two threads (swarmd's two
# event loops) with nothing else to do; `swarmd` serves the same fan-out to `swarm-load`. Runs
# alternate floor / swarmd (F S S F, then S F F S) per rate and round. One line per run:
#   UTC who rate load1(start-end) other% delivered-or-written/s cpu% us/delivery e2e-p50 e2e-p99 frames/write
# then, per rate, the medians and swarmd's ratio to the floor.
# Usage: Benchmarks/write-floor.sh SWARMD SWARM_LOAD WRITE_FLOOR [RATES] [CONNECTIONS] [SENDERS] [ROUNDS] [PORT]
set -euo pipefail
swarmd=$1 load=$2 floor=$3
rates=${4:-"20 40 80"} connections=${5:-1000} senders=${6:-10} rounds=${7:-1} port=${8:-7463}
. "$(dirname "$0")/ab-common.sh"
lines=$(mktemp)
trap 'rm -f "$lines"' EXIT

run_floor() {  # $1 rate
    local l0 j; l0=$(loadavg)
    j=$("$floor" --connections "$connections" --writers 2 --rate "$1" --seconds 15 --bytes 280 --json)
    python3 - "$1" "$l0-$(loadavg)" "$j" <<'PY'
import json, sys, time
rate, load1, j = sys.argv[1:]
r = json.loads(j)
print(f"{time.strftime('%H:%M', time.gmtime())}\tfloor\t{rate}\t{load1}\t-\t{r['writes_per_second']}\t{r['writer_cpu_percent']}\t{r['writer_cpu_us_per_write']:.1f}\t-\t-\t1.00", flush=True)
PY
}
run() {  # $1 floor|swarmd, $2 rate
    if [[ $1 == floor ]]; then run_floor "$2"; else ab_fanout swarmd "$swarmd" "$load" "$2" "$connections" "$senders" "$port"; fi
}
for round in $(seq "$rounds"); do
    if (( round % 2 )); then order="F S S F"; else order="S F F S"; fi
    for rate in $rates; do
        for x in $order; do
            if [[ $x == F ]]; then run floor "$rate"; else run swarmd "$rate"; fi
        done | tee -a "$lines"
    done
done
python3 - "$lines" <<'PY'
import statistics, sys, collections
us = collections.defaultdict(list)
for line in open(sys.argv[1]):
    f = line.rstrip("\n").split("\t")
    us[(f[2], f[1])].append(float(f[7]))
print("rate\tfloor us/delivery\tswarmd us/delivery\tswarmd / floor")
for rate in sorted({r for r, _ in us}, key=float):
    fl, sw = statistics.median(us[(rate, "floor")]), statistics.median(us[(rate, "swarmd")])
    print(f"{rate}\t{fl:.1f}\t{sw:.1f}\tx{sw / fl:.2f}")
PY
