#!/usr/bin/env bash
# Pre-upgrade validation in CI: ci/validate.sh FROM TO OUT [MATRIX]
# kmatrix validate over MATRIX (default matrix/seed.toml); OUT gets the two
# runs, validate.md (also the job summary) and validate.html. Exits as
# kmatrix validate: 0 safe, 1 unsafe, 4 inconclusive.
set -euo pipefail
cd "$(dirname "$0")/.."
source ci/lib.sh
if [[ $# -lt 3 || $# -gt 4 ]]; then
  echo "usage: ci/validate.sh FROM TO OUT [MATRIX]" >&2
  exit 2
fi
kmatrix=$(kmatrix_bin)
rc=0
"$kmatrix" validate --from "$1" --to "$2" --out "$3" --matrix "${4:-matrix/seed.toml}" >/dev/null || rc=$?
if [[ -f "$3/validate.md" ]]; then publish_summary "$3/validate.md"; fi
exit "$rc"
