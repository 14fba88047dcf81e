#!/usr/bin/env bash
# The Action's run step (action.yml): the SARIF file for code scanning, then
# the same analysis as workflow-command annotations (the audit's second pass
# is served from its cache), whose exit code is the step's result.
set -uo pipefail

bgr() { node "$GITHUB_ACTION_PATH/dist/src/cli/main.js" "$@"; }

case "${BGR_COMMAND:-}" in
  audit|review|coverage) ;;
  *) echo "::error title=bgr action::input command is '${BGR_COMMAND:-}': use audit, review or coverage"; exit 2 ;;
esac

read -r -a paths <<< "${BGR_PATHS:-}"
read -r -a extra <<< "${BGR_ARGS:-}"
options=()
[ -n "${BGR_BASELINE:-}" ] && options+=(--baseline "$BGR_BASELINE")
# On a pull request a review compares with the branch it will merge into, unless told otherwise.
if [ "$BGR_COMMAND" = review ] && [ -n "${GITHUB_BASE_REF:-}" ] && [[ " ${BGR_ARGS:-} " != *" --base "* ]]; then
  options+=(--base "origin/$GITHUB_BASE_REF")
fi

if [ "${BGR_SARIF:-true}" = true ]; then
  sarif="${RUNNER_TEMP:-${TMPDIR:-/tmp}}/bgr-$BGR_COMMAND.sarif"
  bgr "$BGR_COMMAND" "${paths[@]}" "${options[@]}" "${extra[@]}" --format sarif --out "$sarif"
  status=$?
  # 1 is findings or a partial result, still worth uploading; 2 is a usage error.
  if [ "$status" -ge 2 ]; then exit "$status"; fi
  echo "sarif-file=$sarif" >> "${GITHUB_OUTPUT:-/dev/null}"
fi

post=()
if [ "${BGR_POST_REVIEW:-false}" = true ]; then
  if [ "$BGR_COMMAND" != review ]; then echo "::error title=bgr action::post-review is for command review, not $BGR_COMMAND"; exit 2; fi
  post=(--post github)
fi
bgr "$BGR_COMMAND" "${paths[@]}" "${options[@]}" "${extra[@]}" "${post[@]}" --format github --fail-on "${BGR_FAIL_ON:-none}"
