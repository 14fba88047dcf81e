#!/usr/bin/env bash
# Bench prep: the peer tools and the Python corpus come from Debian, the
# JS/TS peer tools from npm (devDependencies). Run as root.
set -euo pipefail
cd "$(dirname "$0")/../.."
export DEBIAN_FRONTEND=noninteractive
need=()
command -v bandit >/dev/null 2>&1 || need+=(bandit)
[ -d /usr/lib/python3/dist-packages/django ] || need+=(python3-django)
[ -x /usr/bin/time ] || need+=(time)
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -qq
  apt-get install -y -qq "${need[@]}"
fi
[ -x node_modules/.bin/eslint ] || npm install --no-audit --no-fund
