#!/usr/bin/env bash
# README command 1: installs, builds, fetches Debian's kernel and runs the
# smoke matrix. Extra arguments go to `kmatrix run` (e.g. --out DIR).
set -euo pipefail
cd "$(dirname "$0")/.."
ci/setup.sh
ci/build.sh
exec build/harness/kmatrix run matrix/smoke.toml "$@"
