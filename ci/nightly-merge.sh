#!/usr/bin/env bash
# The nightly's shards joined into one run, and its reports:
#   ci/nightly-merge.sh OUT SHARD_DIR...
# OUT gets the joined run plus report.html, junit.xml (the CI's test results)
# and summary.md (GitHub's job summary; GitLab's job log).
set -euo pipefail
cd "$(dirname "$0")/.."
source ci/lib.sh
if [[ $# -lt 2 ]]; then
  echo "usage: ci/nightly-merge.sh OUT SHARD_DIR..." >&2
  exit 2
fi
out=$1
shift
kmatrix=$(kmatrix_bin)
"$kmatrix" merge --out "$out" "$@"
"$kmatrix" report "$out" --format html -o "$out/report.html"
"$kmatrix" report "$out" --format junit -o "$out/junit.xml"
"$kmatrix" report "$out" --format md -o "$out/summary.md"
publish_summary "$out/summary.md"
