#!/usr/bin/env bash
# Idle connections held by one box: three swarmd nodes on one PostgreSQL database, one load tool per
# node opening its share of TOTAL idle, logged-in connections at the same time. A single process
# here may open at most `ulimit -Hn` files (20,000 in this sandbox, and raising it needs
# CAP_SYS_RESOURCE), so 50,000 connections need three processes on each side. While all shares
# are held, the script reads every node's swarm_connections gauge each second; it reports the
# most held at once over all nodes, and each node's RSS per connection from its load tool.
#   Benchmarks/nodes-idle.sh [BIN_DIR]    (default .build/release; needs swarmd and swarm-load)
# Env: TOTAL (50000), NODES (3), HOLD (seconds each tool holds its connections, 40), USERS (per
# node, 1000), PG_DIR (/tmp/swarm-nodes-idle-pg), PG_PORT (54336).
set -euo pipefail
bin="$(cd "${1:-.build/release}" && pwd)"
TOTAL="${TOTAL:-50000}"; NODES="${NODES:-3}"; HOLD="${HOLD:-40}"; USERS="${USERS:-1000}"
PG_DIR="${PG_DIR:-/tmp/swarm-nodes-idle-pg}"; PG_PORT="${PG_PORT:-54336}"
here="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d /tmp/swarm-nodes-idle.XXXXXX)"
# shellcheck source=nodes-common.sh
source "$here/Benchmarks/nodes-common.sh"
cd "$work"
share=$(( (TOTAL + NODES - 1) / NODES ))
limit=$(ulimit -n)
if (( share + 300 > limit )); then
    echo "each process needs about $((share + 300)) open files and may have $limit: set NODES higher" >&2; exit 1
fi
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores; $TOTAL connections over $NODES nodes ($share each); open-files limit $limit"

url="$(fresh_database "idle_$$")"
pgenv=(SWARM_STORAGE_BACKEND=postgres SWARM_STORAGE_URL="$url"
       SWARM_SERVER_MAX_CONNECTIONS_WITHOUT_HELLO=100000 SWARM_SERVER_MAX_CONNECTIONS_WITHOUT_HELLO_PER_ADDRESS=100000)
ports=()
for i in $(seq "$NODES"); do
    ports+=("$(start_node "node$i" "${pgenv[@]}")"); pids+=("$(cat "$work/node$i.pid")")
done
token="$(env "${pgenv[@]}" "$bin/swarmd" admin user add "idleadmin$$" --role admin --db "$work/admin.sqlite" | sed -n 's/^token: //p')"

# Every node's gauge, summed, once a second until the tools are done: the most held at once.
sample() {
    while [[ -e "$work/sampling" ]]; do
        local sum=0 each=""
        for p in "${ports[@]}"; do
            local n; n=$(curl -s "http://127.0.0.1:$p/metrics" | awk '/^swarm_connections[ {]/ {print int($NF)}')
            sum=$((sum + ${n:-0})); each+=" ${n:-0}"
        done
        echo "$sum$each" >>"$work/gauge"
        sleep 1
    done
}
touch "$work/sampling"; sample & sampler=$!

cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; }  # the process's CPU so far, in clock ticks
for i in $(seq "$NODES"); do cpu "$(cat "$work/node$i.pid")" >"$work/node$i.cpu0"; done
tools=()
for i in $(seq "$NODES"); do
    "$bin/swarm-load" --url "ws://127.0.0.1:${ports[$((i - 1))]}/v1/ws" --admin-token "$token" \
        --server-pid "$(cat "$work/node$i.pid")" --idle "$share" --users "$USERS" --hold "$HOLD" \
        --run-id "idle$i-$$" --json >"$work/tool$i.out" 2>"$work/tool$i.err" &
    tools+=($!)
done
failed=0
for t in "${tools[@]}"; do wait "$t" || failed=1; done
for i in $(seq "$NODES"); do cpu "$(cat "$work/node$i.pid")" >"$work/node$i.cpu1"; done
rm -f "$work/sampling"; wait "$sampler" || true
if (( failed )); then tail -3 "$work"/tool*.err >&2; exit 1; fi

echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$work" "$NODES" "$TOTAL" "$(getconf CLK_TCK)" <<'EOF'
import json, sys
work, nodes, total, hz = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
best = max((list(map(int, l.split())) for l in open(f"{work}/gauge") if l.strip()), key=lambda r: r[0])
print(f"most connections held at once: {best[0]} of {total} (per node: {' / '.join(map(str, best[1:]))})")
for i in range(1, nodes + 1):
    r = json.loads(open(f"{work}/tool{i}.out").read().strip().splitlines()[-1])
    print(f"node {i}: {r.get('connections')} connected ({r.get('connect_failed')} failed) in {r.get('connect_seconds')} s, "
          f"{r.get('server_rss_per_conn_kib')} KiB RSS per connection, idle CPU {r.get('server_cpu_percent')} % of a core")
    # The node's CPU over the tool's whole run: its users' set-up, the logins, the hold.
    ticks = int(open(f"{work}/node{i}.cpu1").read()) - int(open(f"{work}/node{i}.cpu0").read())
    print(f"node {i}: server CPU {ticks / hz:.2f} s over the run ({ticks / hz * 1e6 / max(1, r.get('connections') or 0):.0f} µs per connection)")
EOF
echo "raw: $work"
