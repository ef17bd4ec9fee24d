#!/usr/bin/env bash
# Installs the locked dependencies in the current directory: `npm ci`, or, when npm ci rejects
# the lockfile only for lacking other platforms' optional packages, `npm install` from the same
# lockfile. The registry reachable here serves only the linux builds of packages such as
# @rollup/rollup-* and @biomejs/cli-*, so npm never records the others in the lockfile, and
# npm 11's `npm ci` then refuses it ("Missing: ... from lock file") while `npm install` installs
# exactly the locked tree. The fallback fails if it had to change the lockfile.
set -uo pipefail
log=$(mktemp "${TMPDIR:-/tmp}/evalbox-npm-ci.XXXXXX")
trap 'rm -f "$log"' EXIT

if npm ci --no-audit --no-fund >"$log" 2>&1; then
  cat "$log"
  exit 0
fi
if ! grep -q 'Missing: .* from lock file' "$log" || grep -q 'Invalid: ' "$log"; then
  cat "$log"
  exit 1
fi

missing=$(grep -c 'Missing: .* from lock file' "$log")
echo "(run 'node scripts/complete-lockfile.mjs' after changing dependencies to keep npm ci working)"
echo "npm ci refused the lockfile for $missing optional package(s) of other platforms; installing it with npm install"
before=$(sha256sum package-lock.json)
npm install --no-audit --no-fund || exit 1
if [[ $(sha256sum package-lock.json) != "$before" ]]; then
  echo "npm install changed package-lock.json: package.json and the lockfile disagree; run npm install and commit the lockfile"
  exit 1
fi
