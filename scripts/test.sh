#!/usr/bin/env bash
# The project's test command (README, CI). Sets up what the tests need (scripts/setup.sh: installs
# missing packages as root, else prints the command and stops), then builds every product first:
# some tests run the real `swarmd` and `swarm` binaries as child processes.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
swift build --build-tests
swift test --skip-build "$@"
