#!/usr/bin/env bash
# Swarm against Prosody and ejabberd, one load driver, one run, alternating servers.
#
#   bash Benchmarks/peers/run.sh [BIN_DIR]     # BIN_DIR holds a release swarmd (default .build/release)
#
# Environment knobs (defaults in brackets): MEMBERS [200], SENDERS [5], RATES ["20 40"] posts/s,
# SECONDS_EACH [20], ROUNDS [2], IDLE [2000] connections, PEERS ["swarm swarm-normal prosody ejabberd"].
# Each server is started here on loopback with its throttles off and stopped at the end. Swarm
# runs twice: with its default `synchronous = full` (every post on disk before it is delivered)
# and with `synchronous = normal`; Prosody and ejabberd keep MUC rooms in memory only. Add
# `swarm-tick` to PEERS for swarm with `server.delivery_tick_ms = TICK_MS` [25],
# `server.delivery_tick_load_factor = TICK_LOAD_FACTOR` [0] and `server.delivery_tick_min_members =
# TICK_MIN_MEMBERS` [0: every event held]; `swarm` and `swarm-normal` run with swarmd's defaults (a
# 75 ms tick for channels of 500 members or more, so none at the default MEMBERS). Add `floor`
# to PEERS for the kernel's share: `write-floor` (from BIN_DIR, `swift build -c release --product
# write-floor`) writes one message-sized frame per post to each of MEMBERS loopback sockets and
# nothing else, so its CPU per delivery is what any server that writes each delivery pays at least.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
BIN=$(cd "${1:-.build/release}" && pwd)
MEMBERS=${MEMBERS:-200}
SENDERS=${SENDERS:-5}
RATES=${RATES:-"20 40"}
SECONDS_EACH=${SECONDS_EACH:-20}
ROUNDS=${ROUNDS:-2}
IDLE=${IDLE:-2000}
PEERS=${PEERS:-"swarm swarm-normal prosody ejabberd"}
TICK_MS=${TICK_MS:-25}
TICK_LOAD_FACTOR=${TICK_LOAD_FACTOR:-0}
TICK_MIN_MEMBERS=${TICK_MIN_MEMBERS:-0}

missing=""
command -v prosody >/dev/null || missing+=" prosody"
command -v ejabberdctl >/dev/null || missing+=" ejabberd"
if [ -n "$missing" ]; then
  echo "needs:$missing — install with: apt-get install -y$missing" >&2; exit 1
fi
python3 -c "import websockets" 2>/dev/null || { echo "needs the Python package websockets: pip install websockets" >&2; exit 1; }
[ -x "$BIN/swarmd" ] || { echo "no swarmd in $BIN: swift build -c release --product swarmd" >&2; exit 1; }
if [[ " $PEERS " == *" floor "* ]] && [ ! -x "$BIN/write-floor" ]; then
  echo "no write-floor in $BIN: swift build -c release --product write-floor" >&2; exit 1
fi
ulimit -n "$(ulimit -Hn)"

WORK=$(mktemp -d /tmp/swarm-peers.XXXXXX)
chmod 755 "$WORK"
RESULTS="$WORK/results.jsonl"
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  # beam.smp ignores SIGTERM: ask it to stop, then make sure.
  if [ -n "${EJ_DIR:-}" ]; then
    ejabberdctl --config-dir "$EJ_DIR" --node peerbench@localhost stop >/dev/null 2>&1 || true
    [ -s "$EJ_DIR/pid" ] && kill -9 "$(cat "$EJ_DIR/pid")" 2>/dev/null || true
  fi
  echo "logs and results kept in $WORK" >&2
}
trap cleanup EXIT

wait_port() { for _ in $(seq 120); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.5; done; echo "port $1 never opened" >&2; exit 1; }

swarm_port() { case $1 in swarm) echo 7491 ;; swarm-normal) echo 7492 ;; swarm-tick) echo 7493 ;; esac; }

start_swarm() { # name synchronous [delivery-tick-ms load-factor min-members]: without a tick, swarmd's defaults
  local dir="$WORK/$1" port tick=(); port=$(swarm_port "$1"); mkdir -p "$dir"
  [ $# -gt 2 ] && tick=(SWARM_SERVER_DELIVERY_TICK_MS="$3" SWARM_SERVER_DELIVERY_TICK_LOAD_FACTOR="$4" SWARM_SERVER_DELIVERY_TICK_MIN_MEMBERS="$5")
  "$BIN/swarmd" admin user add benchadmin --role admin --db "$dir/swarm.sqlite" | grep -o 'swt_[A-Za-z0-9_-]*' > "$dir/token"
  (cd "$dir" && exec env SWARM_STORAGE_SYNCHRONOUS="$2" "${tick[@]}" SWARM_LIMITS_OPS_PER_SECOND=1000000 SWARM_LIMITS_OPS_BURST=1000000 \
     "$BIN/swarmd" serve --db "$dir/swarm.sqlite" --port "$port" > "$dir/swarmd.log" 2>&1) &
  PIDS+=($!); echo $! > "$dir/pid"; wait_port "$port"
}

start_prosody() {
  local dir="$WORK/prosody"; mkdir -p "$dir/data"
  sed "s|@DIR@|$dir|g" "$HERE/prosody.cfg.lua" > "$dir/prosody.cfg.lua"
  prosody --config "$dir/prosody.cfg.lua" -F > "$dir/out.log" 2>&1 &
  PIDS+=($!); echo $! > "$dir/pid"; wait_port 15280
}

start_ejabberd() {
  EJ_DIR="$WORK/ejabberd"; mkdir -p "$EJ_DIR/spool" "$EJ_DIR/logs"
  cp "$HERE/ejabberd.yml" "$EJ_DIR/"; touch "$EJ_DIR/ejabberdctl.cfg"
  cp /etc/ejabberd/inetrc "$EJ_DIR/" 2>/dev/null || true
  local start="ulimit -n \$(ulimit -Hn); exec ejabberdctl --config-dir '$EJ_DIR' --logs '$EJ_DIR/logs' --spool '$EJ_DIR/spool' --node peerbench@localhost foreground"
  if [ "$(id -u)" = 0 ] && id ejabberd >/dev/null 2>&1; then
    # ejabberdctl run by root switches to the ejabberd user through su, whose soft open-file limit
    # is 1,024 (too few for the idle run): start it as that user, with the limit raised, instead.
    chown -R ejabberd "$EJ_DIR"
    (cd /tmp && runuser -u ejabberd -- bash -c "$start" > "$EJ_DIR/out.log" 2>&1) &
  else
    (cd /tmp && bash -c "$start" > "$EJ_DIR/out.log" 2>&1) &
  fi
  PIDS+=($!); wait_port 15380
  pgrep -f 'beam.smp.*peerbench@localhost' | head -1 > "$EJ_DIR/pid"
}

# The floor's fan-out in the driver's result format (no latencies: nothing is timed end to end).
drive_floor() { # rate
  "$BIN/write-floor" --connections "$MEMBERS" --writers 2 --rate "$1" --seconds "$SECONDS_EACH" --bytes 280 --json \
    | python3 -c "
import json, sys
f = json.loads(sys.stdin.read())
print(json.dumps({'peer': 'floor', 'scenario': 'fanout', 'rate': f['rate'], 'seconds': $SECONDS_EACH, 'expected': f['writes'],
                  'delivered_per_s': f['writes_per_second'], 'p50_ms': None, 'p99_ms': None,
                  'us_per_delivery': f['writer_cpu_us_per_write'], 'load': open('/proc/loadavg').read().split()[0]}))" \
    >> "$RESULTS" || echo '{"peer": "floor", "scenario": "fanout", "failed": true}' >> "$RESULTS"
}

drive() { # peer scenario extra-args...
  local peer=$1 scenario=$2; shift 2
  case $peer in
    swarm|swarm-normal|swarm-tick)
      args=(--target swarm --url "ws://127.0.0.1:$(swarm_port "$peer")/v1/ws" --admin-token "$(cat "$WORK/$peer/token")" --pid "$(cat "$WORK/$peer/pid")") ;;
    prosody) args=(--target xmpp --url ws://127.0.0.1:15280/xmpp-websocket --pid "$(cat "$WORK/prosody/pid")") ;;
    ejabberd) args=(--target xmpp --url ws://127.0.0.1:15380/xmpp-websocket --pid "$(cat "$EJ_DIR/pid")") ;;
  esac
  python3 "$HERE/peer_load.py" "$scenario" "${args[@]}" "$@" 2>>"$WORK/driver.log" \
    | python3 -c "import json,sys; r=json.loads(sys.stdin.read()); r['peer']='$peer'; r['load']=open('/proc/loadavg').read().split()[0]; print(json.dumps(r))" \
    >> "$RESULTS" || echo "{\"peer\": \"$peer\", \"scenario\": \"$scenario\", \"failed\": true}" >> "$RESULTS"
}

for peer in $PEERS; do
  case $peer in
    swarm) start_swarm swarm full ;;
    swarm-normal) start_swarm swarm-normal normal ;;
    swarm-tick) start_swarm swarm-tick full "$TICK_MS" "$TICK_LOAD_FACTOR" "$TICK_MIN_MEMBERS" ;;
    prosody) start_prosody ;;
    ejabberd) start_ejabberd ;;
  esac
done
echo "commit $(git -C "$HERE" rev-parse --short HEAD 2>/dev/null || echo '?'), load $(cut -d' ' -f1-3 /proc/loadavg), work dir $WORK" >&2

for rate in $RATES; do
  for round in $(seq "$ROUNDS"); do
    for peer in $PEERS; do
      echo "fan-out: $peer, $MEMBERS members, $rate posts/s, round $round" >&2
      if [ "$peer" = floor ]; then drive_floor "$rate"; continue; fi
      drive "$peer" fanout --members "$MEMBERS" --senders "$SENDERS" --rate "$rate" --seconds "$SECONDS_EACH"
    done
  done
done
if [ "$IDLE" -gt 0 ]; then
  for peer in $PEERS; do
    [ "$peer" = floor ] && continue   # the floor has no logins to measure
    echo "idle: $peer, $IDLE connections" >&2
    drive "$peer" idle --connections "$IDLE" --seconds 10
  done
fi
python3 "$HERE/peer_table.py" "$RESULTS"
