#!/usr/bin/env bash
# Installs the agent CLIs of scripts/agent-clis.json (bin name -> npm package and pinned version)
# from the npm registry into one folder on the host: DIR/node_modules/.bin/{claude,codex,...}.
# Containers cannot reach the npm registry here, so agent images copy this folder in
# (scripts/build-agent-image.sh). Install scripts are run only for the CLIs whose entry says
# "postinstall": true (they put their platform's native binary in place); the rest, optional
# native add-ons of dependencies, are skipped. A folder already holding exactly these versions
# is left alone.
#
#   scripts/install-agent-clis.sh [DIR]    DIR defaults to $EVALBOX_AGENT_CLIS_DIR, else
#                                          ~/.cache/evalbox/agent-clis
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
list="$here/agent-clis.json"
dir=${1:-${EVALBOX_AGENT_CLIS_DIR:-$HOME/.cache/evalbox/agent-clis}}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)

# The folder's package.json is made from the list, so its content says what is installed.
manifest=$(node -e '
  const list = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"))
  const dependencies = {}
  for (const { package: name, version } of Object.values(list)) dependencies[name] = version
  process.stdout.write(JSON.stringify({ name: "evalbox-agent-clis", private: true, dependencies }, null, 2) + "\n")
' "$list")
if [[ -f $dir/package.json && -f $dir/.installed ]] && [[ $(cat "$dir/package.json") == "$manifest" ]]; then
  echo "agent CLIs: already installed in $dir"
  exit 0
fi
printf '%s' "$manifest" > "$dir/package.json"
echo "" >> "$dir/package.json"
rm -f "$dir/.installed"
echo "agent CLIs: installing into $dir"
(cd "$dir" && npm install --no-audit --no-fund --ignore-scripts --loglevel=error)
for package in $(node -e '
  const list = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"))
  for (const entry of Object.values(list)) if (entry.postinstall) console.log(entry.package)
' "$list"); do
  (cd "$dir/node_modules/$package" && npm run --silent postinstall) >/dev/null
done

# Each CLI must start and report the pinned version.
node -e '
  const { execFileSync } = require("child_process")
  const list = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"))
  for (const [bin, { version }] of Object.entries(list)) {
    const out = execFileSync(process.argv[2] + "/node_modules/.bin/" + bin, ["--version"], { encoding: "utf8", timeout: 60000 })
    if (!out.includes(version)) { console.error(`agent CLIs: ${bin} --version says ${out.trim()}, expected ${version}`); process.exit(1) }
    console.log(`agent CLIs: ${bin} ${version}`)
  }
' "$list" "$dir"
touch "$dir/.installed"
