#!/usr/bin/env bash
# Fuzzes the console parser with libFuzzer for a fixed number of executions,
# seeded with the real console logs of tests/data/console/. Not part of
# .ci/run (it takes minutes to hours); run it by hand or nightly.
#
#   ci/fuzz.sh [RUNS]        RUNS executions (default 1000000), one process
#   FUZZ_SECONDS=N ci/fuzz.sh 0      run for N seconds instead
#
# Exit 0: no crash. On a crash libFuzzer leaves crash-<sha1> in build-fuzz/
# and the script exits non-zero; reproduce with build-fuzz/tests/fuzz/console_fuzzer FILE.
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-1000000}"

# clang's libFuzzer runtime; the default CI does not need it.
missing=()
for p in clang libfuzzer-14-dev; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo=sudo
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

cmake -S . -B build-fuzz -G Ninja -DKMATRIX_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ >/dev/null
cmake --build build-fuzz --target console_fuzzer

# Seeds: the corpus logs cut into 4 KiB pieces, so that every part of every
# log (not only its boot messages) is within libFuzzer's input size.
corpus=build-fuzz/fuzz-corpus
mkdir -p "$corpus"
for log in tests/data/console/*.log; do
  split -b 4096 -d -a 3 "$log" "$corpus/seed-$(basename "$log" .log)-"
done

args=(-max_len=4096 -dict="$PWD/tests/fuzz/console.dict" -rss_limit_mb=2048 -print_final_stats=1)
if [ "$runs" -gt 0 ]; then args+=(-runs="$runs"); else args+=(-max_total_time="${FUZZ_SECONDS:?}"); fi
cd build-fuzz
exec tests/fuzz/console_fuzzer "${args[@]}" fuzz-corpus
