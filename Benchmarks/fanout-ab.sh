#!/usr/bin/env bash
# Fan-out CPU per delivery, two swarmd binaries alternated (A B B A per rate and round), a fresh
# database and server per run, rate limits out of the way. One line per run:
#   UTC server rate load1(start-end) other% delivered/s server% us/delivery e2e-p50 e2e-p99 frames/write
# Usage: Benchmarks/fanout-ab.sh BEFORE_SWARMD AFTER_SWARMD SWARM_LOAD [RATES] [ROUNDS] [PORT]
set -euo pipefail
before=$1 after=$2 load=$3
rates=${4:-"20 40 60 80"} rounds=${5:-1} port=${6:-7463}
. "$(dirname "$0")/ab-common.sh"
run() { ab_fanout "$1" "$2" "$load" "$3" 1000 10 "$port"; }
for round in $(seq "$rounds"); do
    for rate in $rates; do ab_round "$round" "$before" "$after" "$rate"; done
done
