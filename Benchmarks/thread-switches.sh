#!/usr/bin/env bash
# Where a post's thread switches and CPU go: runs the peers driver against one swarmd (fresh
# server and database) and, over 20 s of its posting window, sums each thread group's context
# switches and CPU ticks (1/100 s) from /proc. Thread groups: NIO-SGLTN (the event loops),
# NIO-ELT (the group committer's own thread), oot.default-qos (Swift's shared task pool),
# -qos.overcommit (GRDB's and Dispatch's queues).
# Usage: Benchmarks/thread-switches.sh BIN_DIR [MEMBERS] [RATE]   (BIN_DIR holds a swarmd; 5 members, 20 posts/s)
set -euo pipefail
[ $# -ge 1 ] || { echo "usage: $0 BIN_DIR [MEMBERS] [RATE]" >&2; exit 2; }
here=$(cd "$(dirname "$0")" && pwd)
bin=$(cd "$1" && pwd) members=${2:-5} rate=${3:-20}
snap() {
    for t in /proc/"$1"/task/*; do
        echo "${t##*/} $(tr ' ' _ < "$t/comm") $(awk '/^(voluntary|nonvoluntary)_ctxt/ {s += $2} END {print s}' "$t/status") $(awk '{print $14 + $15}' "$t/stat")"
    done
}
err=$(mktemp)
(cd /tmp && PEERS=swarm MEMBERS="$members" SENDERS=5 RATES="$rate" SECONDS_EACH=30 ROUNDS=1 IDLE=0 \
    bash "$here/peers/run.sh" "$bin" > /dev/null 2> "$err") &
driver=$!
# The driver starts the server, opens the connections and begins posting within a few seconds.
sleep 9
pid=$(pgrep -n -f "^$bin/swarmd serve") || { echo "no swarmd from $bin running: $(tail -1 "$err")" >&2; exit 1; }
before=$(snap "$pid"); sleep 20; after=$(snap "$pid")
posts=$((rate * 20))
echo "swarmd $bin, $members members, $rate posts/s: 20 s = $posts posts"
# By thread id; a thread that started in the window counts from zero, one that ended is missed.
awk -v posts="$posts" '
    NR == FNR { c0[$1] = $3; t0[$1] = $4; next }
    { group = $2; sub(/-#?[0-9]+$/, "", group); dc = $3 - c0[$1]; dt = $4 - t0[$1]
      ctx[group] += dc; ticks[group] += dt; C += dc; T += dt }
    END {
        for (g in ctx) printf "  %-18s switches %6d (%5.2f per post)  cpu ticks %4d\n", g, ctx[g], ctx[g] / posts, ticks[g]
        printf "  %-18s switches %6d (%5.2f per post)  cpu ticks %4d\n", "all", C, C / posts, T
    }' <(echo "$before") <(echo "$after")
wait "$driver" || true
rm -f "$err"
