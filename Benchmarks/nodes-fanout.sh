#!/usr/bin/env bash
# Cross-node fan-out latency on PostgreSQL (Benchmarks/README.md "Several nodes"): two nodes on
# one database; the senders on node A, N members measuring on node B (A → B), and in the same run
# the same load with the members on node A too (A → A, one node's own fan-out), at several
# delivery rates (deliveries/s = posts/s × N). Latency is from the post's send on A, so it holds
# the commit as well as the hop to B. Prints one line per run.
#   Benchmarks/nodes-fanout.sh [BIN_DIR]    (default .build/release; needs swarmd and swarm-load)
# Env: N (measuring members, 500), SENDERS (10), DURATION (seconds per run, 10; not SECONDS, bash's own), RATES (deliveries/s,
# "2500 5000 10000 20000"), PG_DIR (/tmp/swarm-nodes-fanout-pg), PG_PORT (54336), NODE_ENV (extra
# VAR=value settings for both nodes, space-separated).
set -euo pipefail
bin="$(cd "${1:-.build/release}" && pwd)"
N="${N:-500}"; SENDERS="${SENDERS:-10}"; SECONDS_PER_RUN="${DURATION:-10}"; RATES="${RATES:-2500 5000 10000 20000}"
PG_DIR="${PG_DIR:-/tmp/swarm-nodes-fanout-pg}"; PG_PORT="${PG_PORT:-54336}"
here="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d /tmp/swarm-nodes-fanout.XXXXXX)"
# shellcheck source=nodes-common.sh
source "$here/Benchmarks/nodes-common.sh"
cd "$work"
url="$(fresh_database "fanout_$$")"
pgenv=(SWARM_STORAGE_BACKEND=postgres SWARM_STORAGE_URL="$url")
# shellcheck disable=SC2206
extra=(${NODE_ENV:-})

pa="$(start_node a "${pgenv[@]}" "${extra[@]}")"; pids+=("$(cat "$work/a.pid")")
pb="$(start_node b "${pgenv[@]}" "${extra[@]}")"; pids+=("$(cat "$work/b.pid")")
A="ws://127.0.0.1:$pa/v1/ws"; B="ws://127.0.0.1:$pb/v1/ws"
echo "node A pid $(cat "$work/a.pid") port $pa, node B pid $(cat "$work/b.pid") port $pb"
token="$(env "${pgenv[@]}" "$bin/swarmd" admin user add "admin$RANDOM" --role admin --db "$work/a.sqlite" | sed -n 's/^token: //p')"

echo "$(nproc) cores; N=$N measuring members, $SENDERS senders on A, ${SECONDS_PER_RUN}s per run; commit $(git -C "$here" rev-parse --short HEAD)"
printf '%-8s %-6s %9s %9s %9s %9s %9s %15s %6s %6s %s\n' "target" "path" "posts/s" "p50 ms" "p99 ms" "max ms" "deliv/s" "delivered" "A cpu%" "other%" "load before → after"
for rate in $RATES; do
    posts="$(python3 -c "print($rate / $N)")"
    for path in A B; do
        members="$A"; [[ $path == B ]] && members="$B"
        before="$(cut -d' ' -f1 /proc/loadavg)"
        "$bin/swarm-load" --url "$members" --senders-url "$A" --admin-token "$token" --server-pid "$(cat "$work/a.pid")" \
            --connections "$((N + SENDERS))" --senders "$SENDERS" --rate "$posts" --duration "$SECONDS_PER_RUN" --json \
            >"$work/$rate-$path.out" 2>"$work/$rate-$path.err" || { cat "$work/$rate-$path.err" >&2; exit 1; }
        after="$(cut -d' ' -f1 /proc/loadavg)"
        tail -1 "$work/$rate-$path.out" | python3 -c "
import json, sys
d = json.load(sys.stdin)
print(f\"{$rate:<8} A→$path   {d.get('acked_per_second', 0):>9.1f} {d['e2e_p50_ms']:>9.1f} {d['e2e_p99_ms']:>9.1f} {d.get('e2e_max_ms', 0):>9.1f} \"
      f\"{d.get('delivered_per_second', 0):>9.0f} {d.get('delivered', 0):>7}/{d.get('delivered_expected', 0):<7} {d.get('server_cpu_percent', 0):>6} {d.get('other_cpu_percent', 0):>6} $before → $after\")"
    done
done
echo "raw: $work"
