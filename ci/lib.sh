# Sourced by the CI scripts (ci/nightly-*.sh, ci/validate.sh).
# kmatrix_bin prints the kmatrix binary to use: $KMATRIX when it names a built
# one (a runner with kmatrix installed, or the local pipeline test), else this
# checkout's, set up and built first (quietly: only its path goes to stdout).
kmatrix_bin() {
  if [[ -n "${KMATRIX:-}" ]]; then
    [[ -x "$KMATRIX" ]] || { echo "ci: KMATRIX=$KMATRIX is not an executable" >&2; return 2; }
    echo "$KMATRIX"
    return
  fi
  ci/setup.sh >&2
  ci/build.sh >&2
  echo "$PWD/build/harness/kmatrix"
}

# Appends Markdown to the CI's job summary where it has one (GitHub), and
# prints it to the job log (GitLab shows that, and keeps the file as an artifact).
publish_summary() {
  local file=$1
  cat "$file"
  if [[ -n "${GITHUB_STEP_SUMMARY:-}" ]]; then cat "$file" >>"$GITHUB_STEP_SUMMARY"; fi
}
