#!/usr/bin/env bash
# One shard of the nightly matrix: ci/nightly-shard.sh MATRIX I/N OUT
# Runs part I of N of MATRIX into the run directory OUT (kmatrix run --shard).
# Exit 0 whatever the kernels did: the verdicts are judged after the merge.
set -euo pipefail
cd "$(dirname "$0")/.."
source ci/lib.sh
if [[ $# -ne 3 ]]; then
  echo "usage: ci/nightly-shard.sh MATRIX I/N OUT" >&2
  exit 2
fi
kmatrix=$(kmatrix_bin)
"$kmatrix" run "$1" --shard "$2" --out "$3"
