#!/usr/bin/env bash
# Times `feedwatch fetch` against newsboat, reader and the httpx+lxml floor on the shared
# 200-feed x 50-item loopback corpus (cold run, then two unchanged re-fetches), and prints
# the harness's tables plus feedwatch's ratios to the targets of issue 2.
#
#   benchmarks/fetch.sh                       # 5 reps, latency 0 ms, all peers (~10 min)
#   benchmarks/fetch.sh --reps 3 --peers floor
#   benchmarks/fetch.sh --latency-ms 0,50     # any option of ../shared/bench/bench.py
#
# Needs ../shared/bench (beside the repository) and, for the newsboat row, `apt-get install newsboat`
# and GNU time (`apt-get install time`) for peak RSS.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$HERE")"
SHARED="${FEEDWATCH_SHARED:-$(dirname "$ROOT")/shared}"
FEEDWATCH="${FEEDWATCH_BIN:-$ROOT/.venv/bin/feedwatch}"
[ -x "$SHARED/bench/run.sh" ] || { echo "fetch.sh: $SHARED/bench not found (set FEEDWATCH_SHARED)" >&2; exit 2; }
[ -x "$FEEDWATCH" ] || { echo "fetch.sh: $FEEDWATCH not found: pip install -e . into .venv first" >&2; exit 2; }
export BENCH_WORK="${BENCH_WORK:-/tmp/bench-work}"
# A regular `pip install` byte-compiles the package; an editable one writes __pycache__ on first
# import, unless PYTHONDONTWRITEBYTECODE is set (as on our CI machines), and then every timed run
# would compile feedwatch's ~60 modules from source (~80 ms before the first request). Compile
# them once here, as an installed copy would have them.
"$(dirname "$FEEDWATCH")/python" -m compileall -q "$ROOT/feedwatch" >/dev/null
mkdir -p "$BENCH_WORK"
args=("$@")
[ ${#args[@]} -gt 0 ] || args=(--latency-ms 0 --reps 5)
"$SHARED/bench/run.sh" "${args[@]}" --name feedwatch \
    --setup-cmd "$FEEDWATCH --config {config} opml import {opml}" \
    --cmd "$FEEDWATCH --config {config} --db {workdir}/feedwatch.db fetch" \
    --config-template "$HERE/feedwatch.toml.in" \
    --count-db '{workdir}/feedwatch.db' --count-sql 'SELECT count(*) FROM items' \
    --env 'HOME={workdir}/home' | tee "$BENCH_WORK/feedwatch-last.md"
python3 "$HERE/ratios.py" "$BENCH_WORK"
