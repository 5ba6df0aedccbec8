#!/usr/bin/env bash
# Build the one-folder app with PyInstaller into dist/planner and smoke-test it:
# it starts offscreen on an empty data directory, loads the food database, analyses
# the demo week, shows the window and exits 0.
#
#   bash packaging/build_app.sh        # after bootstrap.sh (uses .venv)
set -euo pipefail
cd "$(dirname "$0")/.."

.venv/bin/python -m pip install -q "pyinstaller>=6"
.venv/bin/pyinstaller --noconfirm --clean --log-level WARN \
    --distpath dist --workpath build/pyinstaller packaging/planner.spec

smoke=$(mktemp -d)
trap 'rm -rf "$smoke"' EXIT
echo "build_app: smoke test of dist/planner/planner"
PLANNER_DATA_DIR="$smoke" QT_QPA_PLATFORM=offscreen dist/planner/planner --self-test
PLANNER_DATA_DIR="$smoke" dist/planner/planner foods show usda:11457 | head -n 3
echo "build_app: dist/planner is ready ($(du -sh dist/planner | cut -f1))"
