#!/usr/bin/env bash
# Installs the pinned CI template checkers (package-lock.json) into
# ci/tools/node_modules from the npm registry. gitlab-ci-local 4.70.1 is the
# newest that runs on Debian 12's Node.js 20 (4.75 needs Node 22's Set.union).
set -euo pipefail
cd "$(dirname "$0")"
if [[ ! -x node_modules/.bin/gitlab-ci-local || package-lock.json -nt node_modules/.package-lock.json ]]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
