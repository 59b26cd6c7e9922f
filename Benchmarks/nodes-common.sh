# Sourced by nodes-bench.sh and nodes-fanout.sh: the throw-away PostgreSQL cluster, starting a
# swarmd node, and the clean-up of both. The caller sets bin, here, work, PG_DIR and PG_PORT first;
# afterwards $server is the cluster's URL and node pids appended to `pids` are killed at exit.
pids=()
cleanup() {
    for p in "${pids[@]:-}"; do [[ -n "$p" ]] && kill "$p" 2>/dev/null || true; done
    bash "$here/scripts/pg-cluster.sh" stop "$PG_DIR" >/dev/null 2>&1 || true
}
trap cleanup EXIT
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
export SWARM_LIMITS_OPS_PER_SECOND=1000000 SWARM_LIMITS_OPS_BURST=1000000
server="$(bash "$here/scripts/pg-cluster.sh" start "$PG_DIR" "$PG_PORT")"

# fresh_database NAME → an empty database of that name on the cluster (dropped first if there);
# prints its URL
fresh_database() {
    psql "$server" -qc "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS $1" -c "CREATE DATABASE $1" >/dev/null
    echo "${server%/postgres}/$1"
}

# start_node LOGNAME ENV... → prints the port; the node's pid goes to $work/LOGNAME.pid
start_node() {
    local name="$1"; shift
    env "$@" "$bin/swarmd" serve --port 0 --db "$work/$name.sqlite" --log-level error >"$work/$name.log" 2>&1 &
    echo $! >"$work/$name.pid"
    for _ in $(seq 300); do
        if grep -q "swarmd listening on" "$work/$name.log"; then grep -m1 "swarmd listening on" "$work/$name.log" | sed 's/.*://'; return; fi
        sleep 0.1
    done
    echo "node $name did not start" >&2; cat "$work/$name.log" >&2; exit 1
}
