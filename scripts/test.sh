#!/usr/bin/env bash
# The project's test command (README, CI). Builds every product first: some tests run the real
# `swarmd` and `swarm` binaries as child processes.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build --build-tests
swift test --skip-build "$@"
