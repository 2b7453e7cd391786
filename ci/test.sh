#!/usr/bin/env bash
# README command 2: installs, builds, runs every test. Unit tests first (seconds),
# then the binary's commands and the HTML report in headless Chromium (seconds),
# then the VM tests, which boot Debian's real kernels under QEMU (cold and restored
# from snapshots), the libvirt backend against two libvirtd daemons the tests start
# and stop, and last the CI templates: linted, and the GitLab pipeline run by
# gitlab-ci-local (two VMs).
set -euo pipefail
cd "$(dirname "$0")/.."
ci/setup.sh
ci/build.sh
ctest --test-dir build -L unit --output-on-failure -j"$(nproc)"
ctest --test-dir build -L cli --output-on-failure
ctest --test-dir build -L report --output-on-failure
ctest --test-dir build -L vm --output-on-failure
ctest --test-dir build -L libvirt --output-on-failure
ctest --test-dir build -L ci --output-on-failure
