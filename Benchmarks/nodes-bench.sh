#!/usr/bin/env bash
# SQLite vs PostgreSQL vs two nodes on PostgreSQL, in one run (Benchmarks/README.md "Several nodes").
# For each setup: acknowledged posts/s (swarm-load --ack-only) and fan-out p99 at N members
# (swarm-load fan-out); two nodes: the load's connections split across both, so half of every
# fan-out crosses nodes through the log tail. Also PostgreSQL one node with cluster.notify = false
# (the price of NOTIFY's commit-time lock). Prints one line per run and the ratios to SQLite.
#   Benchmarks/nodes-bench.sh [BIN_DIR]    (default .build/release; needs swarmd and swarm-load)
# Env: N (fan-out members, 1000), SENDERS (ack-only, 50), SECONDS (per run, 15), RATE (fan-out
# posts/s, 200), PG_DIR (/tmp/swarm-nodes-bench-pg), PG_PORT (54335).
set -euo pipefail
bin="$(cd "${1:-.build/release}" && pwd)"
N="${N:-1000}"; SENDERS="${SENDERS:-50}"; SECONDS_PER_RUN="${SECONDS:-15}"; RATE="${RATE:-200}"
PG_DIR="${PG_DIR:-/tmp/swarm-nodes-bench-pg}"; PG_PORT="${PG_PORT:-54335}"
here="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d /tmp/swarm-nodes-bench.XXXXXX)"
results="$work/results.jsonl"
# shellcheck source=nodes-common.sh
source "$here/Benchmarks/nodes-common.sh"
# No config/swarmd.toml here: every node runs on the built-in defaults plus the env below.
cd "$work"

# run LABEL URLS PID ENV... : ack-only then fan-out, one JSON line each into $results
run() {
    local label="$1" urls="$2" pid="$3"; shift 3
    local token
    token="$(env "$@" "$bin/swarmd" admin user add "admin$RANDOM" --role admin --db "$work/$label.sqlite" | sed -n 's/^token: //p')"
    for mode in ack fanout; do
        local args=(--ack-only --senders "$SENDERS")
        [[ $mode == fanout ]] && args=(--connections "$N" --senders 10 --rate "$RATE")
        "$bin/swarm-load" --url "$urls" --admin-token "$token" --server-pid "$pid" --duration "$SECONDS_PER_RUN" "${args[@]}" --json \
            >"$work/$label-$mode.out" 2>"$work/$label-$mode.err" || { cat "$work/$label-$mode.err" >&2; exit 1; }
        tail -1 "$work/$label-$mode.out" | python3 -c "import json,sys; d=json.load(sys.stdin); d['label']='$label'; d['scenario']='$mode'; print(json.dumps(d))" >>"$results"
    done
}

load="$(cut -d' ' -f1-3 /proc/loadavg)"
echo "load average before: $load; $(nproc) cores; N=$N senders=$SENDERS ${SECONDS_PER_RUN}s per run" | tee "$work/header"

port="$(start_node sqlite)"; pids+=("$(cat "$work/sqlite.pid")")
run sqlite "ws://127.0.0.1:$port/v1/ws" "$(cat "$work/sqlite.pid")"
kill "$(cat "$work/sqlite.pid")"

for notify in true false; do
    url="$(fresh_database "bench_one${notify}_$$")"
    pgenv=(SWARM_STORAGE_BACKEND=postgres SWARM_STORAGE_URL="$url" SWARM_CLUSTER_NOTIFY="$notify")
    port="$(start_node "pg1-$notify" "${pgenv[@]}")"; pids+=("$(cat "$work/pg1-$notify.pid")")
    run "pg1-notify-$notify" "ws://127.0.0.1:$port/v1/ws" "$(cat "$work/pg1-$notify.pid")" "${pgenv[@]}"
    kill "$(cat "$work/pg1-$notify.pid")"
done

url="$(fresh_database "bench_two_$$")"
pgenv=(SWARM_STORAGE_BACKEND=postgres SWARM_STORAGE_URL="$url")
pa="$(start_node pg2a "${pgenv[@]}")"; pids+=("$(cat "$work/pg2a.pid")")
pb="$(start_node pg2b "${pgenv[@]}")"; pids+=("$(cat "$work/pg2b.pid")")
run pg2-nodes "ws://127.0.0.1:$pa/v1/ws,ws://127.0.0.1:$pb/v1/ws" "$(cat "$work/pg2a.pid")" "${pgenv[@]}"

echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$results" <<'EOF'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
by = {(r["label"], r["scenario"]): r for r in rows}
base_ack = by[("sqlite", "ack")]["acked_per_second"]
base_p99 = by[("sqlite", "fanout")]["e2e_p99_ms"]
print(f"{'setup':22} {'acked posts/s':>14} {'ratio':>6} {'fan-out p99 ms':>15} {'ratio':>6} {'delivered':>10}")
for label in ["sqlite", "pg1-notify-true", "pg1-notify-false", "pg2-nodes"]:
    a, f = by[(label, "ack")], by[(label, "fanout")]
    print(f"{label:22} {a['acked_per_second']:>14.0f} {a['acked_per_second']/base_ack:>6.2f} {f['e2e_p99_ms']:>15.1f} {f['e2e_p99_ms']/base_p99:>6.2f} "
          f"{f.get('delivered', 0)}/{f.get('delivered_expected', 0)}")
EOF
echo "raw: $results"
