#!/usr/bin/env bash
# Makes sure this machine has what the tests need besides Swift: the SQLite headers (the store),
# libwebsockets-dev + pkg-config (the C bot example), tmux (terminal client tests), and Python 3
# with the packages websockets (the Python bot example) and jsonschema (scripts/check-schemas.py).
# Checks first, so a machine that is set up never runs apt or pip. Missing pieces are installed
# when run as root on Debian/Ubuntu; otherwise it prints the exact commands and exits 1.
# Safe without a terminal (CI=true, no stdin): nothing asks a question.
set -euo pipefail

APT_PACKAGES=(libsqlite3-dev libwebsockets-dev pkg-config tmux python3 python3-pip)
# pip requirement, then the Python imports that prove it is there (check-schemas.py needs the
# `referencing` API of jsonschema 4.18+; Debian 12's python3-jsonschema is older).
PIP_PACKAGES=("websockets" "jsonschema>=4.18")
PIP_IMPORTS=("websockets" "jsonschema, referencing")

if ! command -v swift >/dev/null 2>&1; then
    echo "setup: swift is not on PATH; install Swift 6.1+ from https://www.swift.org/install/" >&2
    exit 1
fi

missing_apt=()
if command -v dpkg-query >/dev/null 2>&1; then
    for p in "${APT_PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" && continue
        # A python3 outside dpkg (pyenv, a venv) with its own pip needs neither from Debian.
        [ "$p" = python3 ] && command -v python3 >/dev/null 2>&1 && continue
        [ "$p" = python3-pip ] && python3 -m pip --version >/dev/null 2>&1 && continue
        missing_apt+=("$p")
    done
else
    pkg-config --exists sqlite3 2>/dev/null || missing_apt+=(libsqlite3-dev)
    pkg-config --exists libwebsockets 2>/dev/null || missing_apt+=(libwebsockets-dev)
    command -v pkg-config >/dev/null 2>&1 || missing_apt+=(pkg-config)
    command -v tmux >/dev/null 2>&1 || missing_apt+=(tmux)
    command -v python3 >/dev/null 2>&1 || missing_apt+=(python3 python3-pip)
fi

missing_pip=()
for i in "${!PIP_PACKAGES[@]}"; do
    python3 -c "import ${PIP_IMPORTS[$i]}" >/dev/null 2>&1 || missing_pip+=("${PIP_PACKAGES[$i]}")
done

if [ ${#missing_apt[@]} -eq 0 ] && [ ${#missing_pip[@]} -eq 0 ]; then
    exit 0
fi

apt_cmd="apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y ${missing_apt[*]}"
# Debian's own python3 refuses plain pip installs (PEP 668), hence the fallback.
pip_args=$(printf "'%s' " "${missing_pip[@]}")
pip_cmd="python3 -m pip install ${pip_args}|| python3 -m pip install --break-system-packages ${pip_args% }"

if [ "$(id -u)" != "0" ] || { [ ${#missing_apt[@]} -gt 0 ] && ! command -v apt-get >/dev/null 2>&1; }; then
    missing=("${missing_apt[@]}" "${missing_pip[@]}")
    echo "setup: missing: ${missing[*]}" >&2
    echo "setup: install them as root, then run the tests again:" >&2
    [ ${#missing_apt[@]} -gt 0 ] && echo "    $apt_cmd" >&2
    [ ${#missing_pip[@]} -gt 0 ] && echo "    $pip_cmd" >&2
    exit 1
fi

if [ ${#missing_apt[@]} -gt 0 ]; then
    echo "setup: installing ${missing_apt[*]}" >&2
    apt-get update </dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing_apt[@]}" </dev/null
fi
if [ ${#missing_pip[@]} -gt 0 ]; then
    echo "setup: installing Python packages ${missing_pip[*]}" >&2
    python3 -m pip install "${missing_pip[@]}" </dev/null || python3 -m pip install --break-system-packages "${missing_pip[@]}" </dev/null
fi
