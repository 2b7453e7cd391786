#!/usr/bin/env bash
# Builds and runs the benchmarks (bench/): matrix expansion from 1,000 to
# 100,000 cells (time per load, cells/s, peak RSS), and the console parser
# over 100 MB of real logs beside grep -c -E of the same triggers (MB/s).
set -euo pipefail
cd "$(dirname "$0")/.."
ci/setup.sh
ci/build.sh
build/bench/matrix_bench "$@"
build/bench/console_bench "$@"
