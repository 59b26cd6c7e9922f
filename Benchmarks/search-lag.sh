#!/usr/bin/env bash
# What a search costs while posts pour in: a fresh server (synchronous = full) runs
# search-probe.py for 5 s idle, then again for 10 s while swarm-load's 100 closed-loop senders
# post (--ack-only). Each search looks for the word of a post acknowledged just before it, so
# "missed" counts searches that did not see an acknowledged post.
# Usage: Benchmarks/search-lag.sh SWARMD SWARM_LOAD [PORT]
set -euo pipefail
binary=$1 load=$2 port=${3:-7482}
here=$(dirname "$0")
. "$here/ab-common.sh"
ab_serve "$binary" "$port" SWARM_STORAGE_SYNCHRONOUS=full
trap ab_stop EXIT
python3 "$here/search-probe.py" "ws://127.0.0.1:$port/v1/ws" "$AB_TOKEN" 5 | sed 's/^/idle:   /'
"$load" --url "ws://127.0.0.1:$port/v1/ws" --admin-token "$AB_TOKEN" --server-pid "$AB_PID" --ack-only --senders 100 \
    --duration 16 --json 2>/dev/null | tail -1 | python3 -c 'import json,sys; print("load:  ", json.load(sys.stdin)["acked_per_second"], "acked posts/s")' &
loader=$!
sleep 4
python3 "$here/search-probe.py" "ws://127.0.0.1:$port/v1/ws" "$AB_TOKEN" 10 | sed 's/^/loaded: /'
wait "$loader"
grep -i "search index" "$AB_DIR/log" || true
