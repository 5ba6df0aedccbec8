#!/usr/bin/env bash
# Set up planner on a fresh Linux (Debian/Ubuntu) machine: the system libraries Qt needs,
# a virtual environment in .venv, and the package installed into it.
#
#   bash packaging/bootstrap.sh          # for running the app
#   bash packaging/bootstrap.sh --test   # also the test tools (pytest, pytest-qt, ...),
#                                        # poppler-utils (pdftotext) and PostgreSQL
set -euo pipefail
cd "$(dirname "$0")/.."

with_tests=0
[ "${1:-}" = "--test" ] && with_tests=1

# Qt 6 (xcb for a real screen, offscreen for tests) and its usual shared libraries.
packages=(python3-venv libegl1 libgl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1
          libdbus-1-3 libglib2.0-0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1
          libxcb-shape0 libxcb-randr0 libxcb-render-util0 libxcb-image0 libxcb-xinerama0)
if [ "$with_tests" = 1 ]; then
    packages+=(poppler-utils postgresql)
fi

if command -v apt-get >/dev/null 2>&1; then
    missing=()
    for package in "${packages[@]}"; do
        dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
    done
    if [ "${#missing[@]}" -gt 0 ]; then
        sudo=""
        [ "$(id -u)" -ne 0 ] && sudo="sudo"
        echo "bootstrap: installing ${missing[*]}"
        $sudo apt-get update -qq
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
            "${missing[@]}" >/dev/null
    fi
else
    echo "bootstrap: no apt-get here; install Qt's libraries (libEGL, libxkbcommon, fontconfig) yourself" >&2
fi

python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
if [ "$with_tests" = 1 ]; then
    .venv/bin/python -m pip install -q -e ".[test]"
else
    .venv/bin/python -m pip install -q -e .
fi
echo "bootstrap: ready (.venv)"
