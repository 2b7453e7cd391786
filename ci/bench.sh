#!/usr/bin/env bash
# Builds and runs the benchmarks (bench/): matrix expansion from 1,000 to
# 100,000 cells (time per load, cells/s, peak RSS), and the console parser
# over 100 MB of real logs beside grep -c -E of the same triggers (MB/s),
# then cold boots against snapshot restores on real kernels (bench/boot_bench.sh,
# some 20 minutes under TCG; KMATRIX_BENCH_NO_VM=1 skips it).
set -euo pipefail
cd "$(dirname "$0")/.."
ci/setup.sh
ci/build.sh
build/bench/matrix_bench "$@"
build/bench/console_bench "$@"
[ -n "${KMATRIX_BENCH_NO_VM:-}" ] || bench/boot_bench.sh
