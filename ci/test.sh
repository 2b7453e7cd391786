#!/usr/bin/env bash
# README command 2: installs, builds, runs every test. Unit tests first (seconds),
# then the binary's commands and the HTML report in headless Chromium (seconds),
# then the VM tests, which boot Debian's real 6.1 kernel under QEMU.
set -euo pipefail
cd "$(dirname "$0")/.."
ci/setup.sh
ci/build.sh
ctest --test-dir build -L unit --output-on-failure -j"$(nproc)"
ctest --test-dir build -L cli --output-on-failure
ctest --test-dir build -L report --output-on-failure
ctest --test-dir build -L vm --output-on-failure
ctest --test-dir build -L libvirt --output-on-failure
