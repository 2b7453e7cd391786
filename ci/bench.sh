#!/usr/bin/env bash
# Builds and runs the benchmarks (bench/): matrix expansion from 1,000 to
# 100,000 cells. Prints time per load, cells/s and the peak RSS.
set -euo pipefail
cd "$(dirname "$0")/.."
ci/setup.sh
ci/build.sh
build/bench/matrix_bench "$@"
