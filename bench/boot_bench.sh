#!/usr/bin/env bash
# Boot once and restore per cell, against a cold boot per cell, side by side
# in one run (issue 15):
#   1. per-cell overhead (QEMU start to the agent taking its cell, the
#      record's timings.overhead_ms), median of REPEAT cells, for each Debian
#      kernel with 512 MiB and 2 GiB guests, cold and restored, with the host
#      memory each guest held privately at most and what it was charged;
#   2. the wall time of matrix/seed.toml and matrix/smoke.toml, cold and
#      restored, the restored run from an empty snapshot cache (its one boot
#      per guest shape included).
# Needs a built kmatrix (KMATRIX, default build/harness/kmatrix) and jq. It
# deletes the cache's snapshots/ first; takes about 20 minutes under TCG.
set -euo pipefail
cd "$(dirname "$0")/.."
kmatrix=${KMATRIX:-build/harness/kmatrix}
kernels=(${BENCH_KERNELS:-debian:bullseye debian:bookworm debian:trixie})
repeat=${REPEAT:-3}
work=$(mktemp -d /tmp/kmatrix-boot-bench-XXXXXX)
cache=${XDG_CACHE_HOME:-$HOME/.cache}/kmatrix
rm -rf "$cache/snapshots"
export XDG_DATA_HOME=$work/data  # the runs' history stays out of the user's

# kmatrix run ARGS, its output kept in $work/<out>.log and shown if it fails.
run() {
  local out=$1
  shift
  "$kmatrix" run "$@" --out "$work/$out" >"$work/$out.log" 2>&1 || { cat "$work/$out.log"; exit 1; }
}

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : int((v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }

# One small cell that completes at once; cgroup v2, which every Debian kernel
# has (trixie has no v1 memory controller).
for kernel in "${kernels[@]}"; do
  cat >"$work/overhead.toml" <<TOML
[run]
kernel = "$kernel"
cpus = 2
repeat = $repeat
[container]
cgroup = "v2"
limit = "64M"
[workload]
user = "nonroot"
procs = 2
size = "1M"
hold = "0s"
[axes]
"run.guest_memory" = ["512M", "2G"]
[[cell]]
name = "overhead"
TOML
  for boot in cold snapshot; do
    run "overhead-${kernel#debian:}-$boot" "$work/overhead.toml" --boot "$boot"
  done
  printf '\n%s: per-cell overhead, median of %s (ms; QEMU start to the agent taking its cell)\n' "$kernel" "$repeat"
  printf '%-8s %10s %10s %8s   %-26s %s\n' memory cold restored ratio "restored: restore + to ready" \
    "private peak MiB cold/restored (charged)"
  for memory in 536870912 2147483648; do
    row() {  # median of a record field (jq path) over the cells of this memory
      jq -r --argjson m "$memory" "select(.parameters.run.guest_memory == \$m) | $2 // 0" \
        "$work/overhead-${kernel#debian:}-$1/cells.jsonl" | median
    }
    cold=$(row cold .timings.overhead_ms)
    restored=$(row snapshot .timings.overhead_ms)
    printf '%-8s %10s %10s %8s   %-26s %s / %s (%s / %s)\n' "$((memory >> 20))M" "$cold" "$restored" \
      "$(awk -v r="$restored" -v c="$cold" 'BEGIN { printf "%.3f", r / c }')" \
      "$(row snapshot .timings.restore_ms) + $(row snapshot .timings.boot_ms)" \
      "$(($(row cold .host_memory.private_peak) >> 20))" "$(($(row snapshot .host_memory.private_peak) >> 20))" \
      "$(($(row cold .host_memory.charged) >> 20))" "$(($(row snapshot .host_memory.charged) >> 20))"
  done
done

printf '\nwall time of whole matrices (s)\n%-28s %8s %8s\n' matrix cold restored
for matrix in matrix/seed.toml matrix/smoke.toml; do
  times=()
  for boot in cold snapshot; do
    start=$(date +%s.%N)
    run "$(basename "$matrix" .toml)-$boot" "$matrix" --boot "$boot"
    times+=("$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }')")
  done
  printf '%-28s %8s %8s\n' "$matrix" "${times[@]}"
done
echo "runs kept in $work"
