#!/usr/bin/env bash
# A throw-away PostgreSQL cluster for the tests and benchmarks, on loopback, in a directory of its
# own. PostgreSQL refuses to run as root, so as root the cluster runs as `nobody`.
#   scripts/pg-cluster.sh start DIR [PORT]   initdb if needed, start, print the server URL
#   scripts/pg-cluster.sh stop DIR           stop it (the directory stays; rm -rf it to forget)
set -euo pipefail
cmd="${1:-}"; dir="${2:-}"; port="${3:-54329}"
[[ -n "$cmd" && -n "$dir" ]] || { echo "usage: $0 start|stop DIR [PORT]" >&2; exit 2; }
bindir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
[[ -x "$bindir/initdb" ]] || { echo "PostgreSQL server not installed: apt-get install -y postgresql" >&2; exit 1; }
as_owner() {
    if [[ "$(id -u)" == 0 ]]; then runuser -u nobody -- "$@"; else "$@"; fi
}
case "$cmd" in
start)
    mkdir -p "$dir"
    [[ "$(id -u)" == 0 ]] && chown nobody:nogroup "$dir"
    chmod 700 "$dir"
    if [[ ! -f "$dir/PG_VERSION" ]]; then
        as_owner "$bindir/initdb" -D "$dir" -U swarm --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir.initdb.log" 2>&1 ||
            { cat "$dir.initdb.log" >&2; exit 1; }
    fi
    # Sized for a test run: many short-lived databases and a few nodes' pools at once.
    as_owner "$bindir/pg_ctl" -D "$dir" -l "$dir/server.log" -w -t 60 start \
        -o "-p $port -c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c max_connections=1000 -c fsync=on -c shared_buffers=128MB" >/dev/null
    echo "postgres://swarm@127.0.0.1:$port/postgres"
    ;;
stop)
    [[ -f "$dir/postmaster.pid" ]] && as_owner "$bindir/pg_ctl" -D "$dir" -m fast -w stop >/dev/null
    ;;
*) echo "usage: $0 start|stop DIR [PORT]" >&2; exit 2 ;;
esac
