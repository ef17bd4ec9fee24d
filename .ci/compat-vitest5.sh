#!/usr/bin/env bash
# Compat leg: the test suite on Vitest 5 (newest 5.x) and Node 22, the other end of the peer
# range `vitest: ^4.1.0 || ^5.0.0` (Vitest 5 needs Node >= 22.12). It works on a copy of the
# repo in a temp dir, so the main install (Vitest 4.1 on Node 20) is left as it is:
#   1. Node 22 from the npm package node@22, into a tools dir outside the project;
#   2. the locked dependencies, then vitest@^5 and @types/node@^22 (Vitest 5's peer) --no-save;
#   3. build (its .d.ts pass type-checks src against Vitest 5's types), tsc --noEmit;
#   4. every project (unit, docker, e2e, evals); the e2e tests start Vitest 5 on fixture
#      projects, so the plugin, globalSetup and reporter are exercised on Vitest 5.
# Prints "vitest5: N passed, N failed" and exits non-zero when anything failed.
#
#   .ci/compat-vitest5.sh [report.json]   (default .ci/out/vitest5.json)
# EVALBOX_KEEP_COMPAT=1 keeps the temp dir (its path is printed).
set -uo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
report=${1:-$repo/.ci/out/vitest5.json}
mkdir -p "$(dirname "$report")"
report=$(cd "$(dirname "$report")" && pwd)/$(basename "$report")
rm -f "$report"

work=$(mktemp -d "${TMPDIR:-/tmp}/evalbox-vitest5.XXXXXX")
if [[ ${EVALBOX_KEEP_COMPAT:-} == 1 ]]; then echo "vitest5: working in $work"; else trap 'rm -rf "$work"' EXIT; fi
tools=$work/tools
copy=$work/repo
step() { printf '\n== vitest5: %s\n' "$*"; }
fail() {
  echo "vitest5: $*"
  echo "vitest5: 0 passed, 1 failed"
  exit 1
}

step "copy of the repo (no node_modules, dist or results)"
mkdir -p "$copy"
if git -C "$repo" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  # Tracked and untracked-but-not-ignored files: what a clean clone plus local edits holds.
  (cd "$repo" && git ls-files -z --cached --others --exclude-standard |
    tar --null --files-from=- --ignore-failed-read -cf - 2>/dev/null) | tar -xf - -C "$copy" ||
    fail "could not copy the repo"
else
  (cd "$repo" && tar --exclude=./node_modules --exclude=./dist --exclude=./.evals \
    --exclude=./e2e/.tmp --exclude=./.ci/out -cf - .) | tar -xf - -C "$copy" || fail "could not copy the repo"
fi

step "Node 22 (npm package node@22)"
npm install --prefix "$tools" --no-audit --no-fund --loglevel=error node@22 || fail "could not install node@22"
# The agent image keeps the main leg's Node (scripts/build-agent-image.sh copies it in): what runs
# inside the sandbox is the same image in both legs, so the examples' cassettes replay here too
# (Node 22's test runner prints other output, and a replay matches tool output exactly).
export EVALBOX_AGENT_NODE=${EVALBOX_AGENT_NODE:-$(command -v node)}
export PATH="$tools/node_modules/node/bin:$PATH"
node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a === 22 && b >= 12 ? 0 : 1)' ||
  fail "node on PATH is $(node --version), not >= 22.12"
echo "node $(node --version), npm $(npm --version)"

cd "$copy" || fail "no copy"
step "install dependencies, then Vitest 5"
bash .ci/install-deps.sh || fail "could not install the locked dependencies"
npm install --no-save --no-audit --no-fund --loglevel=error vitest@^5 @types/node@^22 ||
  fail "could not install vitest@^5"
echo "vitest $(node -p 'require("vitest/package.json").version'), vite $(node -p 'require("vite/package.json").version')"

step "build"
npm run build || fail "build failed with Vitest 5's types"

step "types (tsc --noEmit)"
node_modules/.bin/tsc --noEmit
types=$?

step "vitest run (all projects)"
node_modules/.bin/vitest run --reporter=default --reporter=json --outputFile.json="$report"
tests=$?

status=$((types != 0 ? types : tests))
echo "vitest5: the leg took ${SECONDS}s"
node "$repo/.ci/count.mjs" "$report" "$status" --label vitest5
exit "$status"
