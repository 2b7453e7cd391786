#!/usr/bin/env bash
# Installs everything kmatrix needs to build, test and boot guests, from
# Debian's packages. Safe to run again: installed packages are skipped.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git
  musl-tools
  qemu-system-x86
  libboost1.81-dev libboost-filesystem1.81-dev
  libfmt-dev libcli11-dev libtomlplusplus-dev nlohmann-json3-dev
  libarchive-dev libssl-dev libncurses-dev libcurl4-openssl-dev libsqlite3-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  dpkg-dev jq
  rpm
  chromium libxml2-utils
  libxml2-dev
  libvirt-daemon-system libvirt-clients libvirt-dev
  curl unzip  # ci/nightly-compare.sh fetches GitLab's baseline artifact
  rsync       # gitlab-ci-local (tests/ci) copies the project with it
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
sudo=""
[ "$(id -u)" -eq 0 ] || sudo=sudo
# Kernel downloads keep their own apt lists (harness/image/private_apt), so
# the host's lists are only refreshed when packages must be installed.
if ((${#missing[@]})); then
  echo "ci/setup.sh: installing ${missing[*]}"
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
# The CI template checkers (ci/tools) come from the npm registry. A machine
# with its own Node.js (e.g. NodeSource's 20) keeps it; else Debian's.
if ! command -v npm >/dev/null; then
  echo "ci/setup.sh: installing nodejs npm"
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends nodejs npm
fi
