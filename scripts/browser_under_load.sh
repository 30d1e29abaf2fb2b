#!/usr/bin/env bash
# The browser tests, twice, while two busy loops keep both cores at 100 %: browser tests must
# wait for the state they need, never for time, and this is how we check it (issue 9).
# Usage: scripts/browser_under_load.sh [extra pytest arguments]
set -euo pipefail
cd "$(dirname "$0")/.."
for _ in $(nproc --all); do
    python3 -c 'while True: pass' &
done
trap 'kill $(jobs -p) 2>/dev/null' EXIT
for run in 1 2; do
    echo "== run $run, load: $(cut -d' ' -f1 /proc/loadavg)"
    # The 20-session load test is left out: it measures the app under its own load, not beside
    # busy loops (make test runs it alone).
    .venv/bin/pytest -m "browser and not load" -q -p no:cacheprovider "$@"
done
