#!/usr/bin/env bash
# The nightly against the last good one: ci/nightly-compare.sh RUN [BASELINE]
# BASELINE is a run directory (the last good nightly's merged run); default
# $KMATRIX_BASELINE, else ./baseline, else (on GitLab) the artifact of the
# last successful kmatrix-merge job on the default branch, fetched with the
# job token. Writes RUN/compare.md and exits as kmatrix compare does:
# 0 no regression, 1 regression (the pipeline fails), 4 inconclusive (on
# GitHub: 0 with a warning, so that a changed matrix renews the baseline).
# No baseline at all (the first nightly), or one this kmatrix cannot read
# (an older format): said so, exit 0, never a false regression.
set -euo pipefail
cd "$(dirname "$0")/.."
source ci/lib.sh
if [[ $# -lt 1 || $# -gt 2 ]]; then
  echo "usage: ci/nightly-compare.sh RUN [BASELINE]" >&2
  exit 2
fi
run=$1
baseline=${2:-${KMATRIX_BASELINE:-baseline}}

fetch_gitlab_baseline() {
  local zip
  zip=$(mktemp)
  # 404 on the first nightly; anything else is said, and the nightly goes on uncompared.
  if curl --fail --silent --show-error --location --header "JOB-TOKEN: $CI_JOB_TOKEN" --output "$zip" \
    "$CI_API_V4_URL/projects/$CI_PROJECT_ID/jobs/artifacts/$CI_DEFAULT_BRANCH/download?job=kmatrix-merge"; then
    local dir
    dir=$(mktemp -d)
    unzip -q "$zip" -d "$dir" && mv "$dir/nightly" "$baseline"
  fi
  rm -f "$zip"
}

if [[ ! -e "$baseline" && -n "${GITLAB_CI:-}" && -n "${CI_JOB_TOKEN:-}" ]]; then
  fetch_gitlab_baseline || true
fi
if [[ ! -f "$baseline/run.json" ]]; then
  echo "ci: no baseline run at $baseline (the first nightly?): nothing compared" | tee "$run/compare.md"
  exit 0
fi
kmatrix=$(kmatrix_bin)
if ! reason=$("$kmatrix" report "$baseline" --format csv 2>&1 >/dev/null); then
  echo "ci: the baseline at $baseline cannot be read by this kmatrix ($reason): nothing compared, no regression claimed" \
    | tee "$run/compare.md"
  exit 0
fi
rc=0
"$kmatrix" compare "$baseline" "$run" -o "$run/compare.md" || rc=$?
publish_summary "$run/compare.md"
case $rc in
  0) echo "ci: no regression against the baseline" ;;
  1) echo "ci: REGRESSION against the baseline: see $run/compare.md" >&2 ;;
  4)
    echo "ci: inconclusive: no cell of this nightly pairs with one of the baseline (did the matrix change?)" >&2
    # GitLab lets exit 4 pass with a warning (allow_failure: exit_codes), so
    # this nightly becomes the next baseline; GitHub has no such rule: warn, pass.
    if [[ -n "${GITHUB_ACTIONS:-}" ]]; then
      echo "::warning title=kmatrix compare::inconclusive: nothing paired with the last good nightly (did the matrix change?)"
      rc=0
    fi
    ;;
esac
exit "$rc"
