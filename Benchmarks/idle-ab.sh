#!/usr/bin/env bash
# Idle connections and logins, two swarmd binaries alternated (A B B A per round), a fresh
# database and server per run, rate limits out of the way. One line per run:
#   UTC server connections load1(start-end) handshakes-s rss-KiB/conn server-cpu-s(total) idle-cpu% threads
# server-cpu-s is the process's whole CPU at the end (set-up's user.creates included, the same for both);
# idle-cpu% is the server's share of one core while the connections sit idle (--hold seconds).
# Usage: Benchmarks/idle-ab.sh BEFORE_SWARMD AFTER_SWARMD SWARM_LOAD [CONNECTIONS] [ROUNDS] [PORT] [HOLD]
set -euo pipefail
before=$1 after=$2 load=$3
connections=${4:-10000} rounds=${5:-1} port=${6:-7465} hold=${7:-5}
ulimit -n "$(ulimit -Hn)"
. "$(dirname "$0")/ab-common.sh"
run() {  # $1 label, $2 binary
    ab_serve "$2" "$port" SWARM_SERVER_MAX_CONNECTIONS_WITHOUT_HELLO=100000 SWARM_SERVER_MAX_CONNECTIONS_WITHOUT_HELLO_PER_ADDRESS=100000
    ab_load "$load" --idle "$connections" --hold "$hold" --users 1000
    local ticks; ticks=$(awk '{print $14 + $15}' "/proc/$AB_PID/stat")
    ab_stop
    python3 - "$1" "$AB_LOAD1" "$AB_JSON" "$ticks" "$(getconf CLK_TCK)" <<'PY'
import json, sys, time
label, load1, j, ticks, hz = sys.argv[1:]
r = json.loads(j)
print(f"{time.strftime('%H:%M', time.gmtime())}\t{label}\t{r.get('connections')}\t{load1}\t{r.get('connect_seconds')}\t"
      f"{r.get('server_rss_per_conn_kib')}\t{int(ticks) / int(hz):.2f}\t{r.get('server_cpu_percent')}\t{r.get('server_threads')}", flush=True)
PY
}
for round in $(seq "$rounds"); do ab_round "$round" "$before" "$after"; done
