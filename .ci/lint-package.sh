#!/usr/bin/env bash
# Lints the package as it would be published (`npm run lint:package`, after `npm run build`):
# packs it into a temp dir, then runs publint (strict: warnings fail too; it also checks that
# the bin starts with a shebang) and arethetypeswrong on the tarball.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=node_modules/.bin

if [[ ! -f dist/index.js || ! -f dist/cli.js ]]; then
  echo "lint:package: dist/ is missing; run \`npm run build\` first" >&2
  exit 1
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/evalbox-pack.XXXXXX")
trap 'rm -rf "$work"' EXIT
npm pack --pack-destination "$work" --silent >/dev/null
tarball=$(find "$work" -maxdepth 1 -name '*.tgz' | head -n 1)
[[ -n $tarball ]] || { echo "lint:package: npm pack wrote no tarball" >&2; exit 1; }

"$bin/publint" --strict "$tarball"
# ESM-only with an exports map: CommonJS `require` and node10 resolution are out of scope.
"$bin/attw" "$tarball" --profile esm-only

echo "lint:package: $(basename "$tarball") is fine (publint --strict, attw --profile esm-only)"
