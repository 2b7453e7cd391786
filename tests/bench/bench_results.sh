#!/usr/bin/env bash
# Times `kmatrix report` and `kmatrix compare` on a synthetic history of
# RUNS x CELLS (default 1000 x 500): wall time and peak memory of each, from
# /usr/bin/time. The data (about 0.8 GB) and the database stay in WORK for
# reruns. Run from the source tree after a build:
#   tests/bench/bench_results.sh [WORK] [RUNS] [CELLS]
set -euo pipefail
cd "$(dirname "$0")/../.."
work=${1:-/tmp/kmatrix-bench}
runs=${2:-1000}
cells=${3:-500}
k=build/harness/kmatrix
db=$work/history.sqlite
last=$(printf '%s/runs/run-%04d' "$work" $((runs - 1)))
prev=$(printf '%s/runs/run-%04d' "$work" $((runs - 2)))

[ -f "$last/cells.jsonl" ] || python3 tests/bench/synthetic_runs.py "$work/runs" --runs "$runs" --cells "$cells"
if [ ! -f "$db" ]; then
  /usr/bin/time -f "ingest $runs runs: %e s, peak %M KiB" "$k" ingest --db "$db" "$work"/runs/run-* 2>&1 |
    grep -v '^kmatrix: run '
fi
ls -l "$db"

run_id() { "$k" report --format csv "$1" | sed -n 2p | cut -d, -f1; }
# Exit 1 is compare's "regression found"; anything above is a failure of the command.
measure() {
  local label=$1; shift
  local rc=0
  /usr/bin/time -f "$label: %e s, peak %M KiB" "$@" >/dev/null 2>"$work/time.err" || rc=$?
  if ((rc > 1)); then cat "$work/time.err" >&2; exit 1; fi
  tail -1 "$work/time.err"
}
for format in md html csv junit json; do
  measure "report --format $format, run from the history" "$k" report --db "$db" --format "$format" "$(run_id "$last")"
done
measure "report --format html, run directory" "$k" report --format html "$last"
measure "compare two runs (both with two kernels)" "$k" compare --db "$db" "$prev" "$last"
measure "compare two runs --history ($runs runs)" "$k" compare --db "$db" --history "$prev" "$last"
measure "compare two kernels of one run --history" "$k" compare --db "$db" --history "$last" \
  --base-kernel 5.10.0-30-amd64 --candidate-kernel 6.1.0-56-amd64
measure "history of one cell over $runs runs" "$k" history --db "$db" --limit 100000 \
  "$(sed -n 1p "$last/cells.jsonl" | python3 -c 'import json,sys; print(json.load(sys.stdin)["cell_id"])')"
