#!/usr/bin/env bash
# Longer fuzz runs than the suite's: the same two tests with more input and a chosen seed.
#   - JSON level (Tests/SwarmServerTests/FuzzTests.swift): N hostile frames over four sockets;
#   - WebSocket/HTTP level (Tests/SwarmServerTests/RawFrameFuzzTests.swift): N raw connections,
#     each breaking the framing or the upgrade in one way.
# A failing seed fails again with the same seed. 0 skips a phase.
#   bash scripts/fuzz.sh [--frames N] [--raw-cases N] [--seed S]
#   (default: 100000 frames, 10000 raw connections, a time-based seed)
set -euo pipefail
cd "$(dirname "$0")/.."
frames=100000
raw=10000
seed=$(date +%s)
while [ $# -gt 0 ]; do
    case "$1" in
        --frames) frames="$2"; shift 2 ;;
        --raw-cases) raw="$2"; shift 2 ;;
        --seed) seed="$2"; shift 2 ;;
        *) echo "usage: bash scripts/fuzz.sh [--frames N] [--raw-cases N] [--seed S]" >&2; exit 2 ;;
    esac
done
filters=()
[ "$frames" != 0 ] && filters+=('SwarmServerTests\.FuzzTests/')
[ "$raw" != 0 ] && filters+=('SwarmServerTests\.RawFrameFuzzTests/')
[ ${#filters[@]} -gt 0 ] || { echo "fuzz: nothing to run" >&2; exit 2; }
echo "fuzz: $frames frames, $raw raw connections, seed $seed" >&2
swift build --build-tests
filter=$(IFS='|'; echo "${filters[*]}")
SWARM_FUZZ_FRAMES="$frames" SWARM_RAW_FUZZ_CASES="$raw" SWARM_FUZZ_SEED="$seed" swift test --skip-build --filter "$filter"
