#!/usr/bin/env bash
# The project's test command (README, CI). Sets up what the tests need (scripts/setup.sh: installs
# missing packages as root, else prints the command and stops), then builds every product first:
# some tests run the real `swarmd` and `swarm` binaries as child processes.
#
# The suite runs on SQLite (the embedded default). When a PostgreSQL server is installed
# (Debian's `postgresql` package), it runs a second time against a throw-away cluster
# (scripts/pg-cluster.sh, in a temporary directory, as `nobody` when run as root), skipping the
# suites listed in PG_SKIP below: those test SQLite itself (its files, migrations, FTS5 internals)
# or have no PostgreSQL path yet. The last lines say which backends were tested.
# SWARM_TEST_BACKENDS=sqlite (or postgres) runs one backend only.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
swift build --build-tests

# At most 16 tests at once (Swift Testing's knob; SWT_EXPERIMENTAL_MAXIMUM_PARALLELIZATION_WIDTH=1000
# lifts it). Unlimited, all 157 suites start together on two cores: a test's server took 5 s to
# start and a 1 s shutdown grace 3-6 s to run out, and the fresh-clone CI of 2c27cdd failed once on
# a 30 s deadline in ConnectionLimitsTests. With 16 the same test runs in ~1.2 s and the whole
# SQLite suite is shorter (42-44 s against 48-53 s, this box).
export SWT_EXPERIMENTAL_MAXIMUM_PARALLELIZATION_WIDTH="${SWT_EXPERIMENTAL_MAXIMUM_PARALLELIZATION_WIDTH:-16}"

backends="${SWARM_TEST_BACKENDS:-sqlite postgres}"
tested=()
if [[ " $backends " == *" sqlite "* ]]; then
    swift test --skip-build "$@"
    tested+=("SQLite: the whole suite")
fi

# Suites not run again on PostgreSQL: those about SQLite itself (migration history, full disk,
# file modes, the KB FTS5 upgrade, the queue's GRDB-seeded equality check) and those about the
# network layer or the terminal client, which do not depend on the store (connection limits,
# raw-frame fuzz, slow consumers, hub overflow, log safety, shutdown, tmux client tests).
PG_SKIP="${PG_SKIP:-MigrationHistory|FullDisk|KBMigration|FileMode|QueueRank|ConnectionLimits|RawFrameFuzz|SlowConsumer|HubOverflow|LogSafety|Shutdown|Terminal}"
if [[ " $backends " == *" postgres "* ]]; then
    if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
        pgdir="$(mktemp -d /tmp/swarm-pg-test.XXXXXX)"
        chmod 755 "$pgdir"   # the cluster runs as nobody when we are root
        port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
        trap 'bash scripts/pg-cluster.sh stop "$pgdir/data" || true; rm -rf "$pgdir"' EXIT
        url="$(bash scripts/pg-cluster.sh start "$pgdir/data" "$port")"
        SWARM_TEST_POSTGRES_URL="$url" swift test --skip-build --skip "$PG_SKIP" "$@"
        tested+=("PostgreSQL $(basename "$(dirname "$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)")"): the suite but $PG_SKIP")
    else
        tested+=("PostgreSQL: not tested (no server installed; apt-get install -y postgresql)")
    fi
fi
echo
echo "Backends tested:"
printf '  %s\n' "${tested[@]}"
