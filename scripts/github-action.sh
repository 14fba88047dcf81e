#!/usr/bin/env bash
# The Action's run step (action.yml): one analysis, written as workflow-command
# annotations (whose exit code is the step's result) and as the SARIF file for
# code scanning, in the repository's folder (input working-directory).
set -uo pipefail

bgr() { node "$GITHUB_ACTION_PATH/dist/src/cli/main.js" "$@" --cwd "${BGR_WORKING_DIRECTORY:-.}"; }

if [ ! -d "${BGR_WORKING_DIRECTORY:-.}" ]; then
  echo "::error title=bgr action::input working-directory '${BGR_WORKING_DIRECTORY}' is not a folder: give the checkout's path (actions/checkout's path:)"
  exit 2
fi

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

post=()
if [ "${BGR_POST_REVIEW:-false}" = true ]; then
  if [ "$BGR_COMMAND" != review ]; then echo "::error title=bgr action::post-review is for command review, not $BGR_COMMAND"; exit 2; fi
  post=(--post github)
fi

# One analysis gives both: annotations on stdout, SARIF for code scanning beside them.
sarif_args=()
if [ "${BGR_SARIF:-true}" = true ]; then
  sarif="${RUNNER_TEMP:-${TMPDIR:-/tmp}}/bgr-$BGR_COMMAND.sarif"
  rm -f "$sarif"
  sarif_args=(--sarif "$sarif")
fi
bgr "$BGR_COMMAND" "${paths[@]}" "${options[@]}" "${post[@]}" "${sarif_args[@]}" --format github --fail-on "${BGR_FAIL_ON:-none}" "${extra[@]}"
status=$?
# Exit 1 (findings at --fail-on, or a partial result) still leaves SARIF worth uploading; 2 is a usage error.
if [ "${#sarif_args[@]}" -gt 0 ] && [ -f "$sarif" ]; then echo "sarif-file=$sarif" >> "${GITHUB_OUTPUT:-/dev/null}"; fi
exit "$status"
