#!/usr/bin/env bash
# Re-captures the real tool outputs the parser tests read. Each source project in
# sources/ is copied to a temp folder and its tests are run with a minimal environment
# (like the local sandbox: PATH, HOME, LANG), so the files hold exactly what the tools print.
#
# Needs on the host: python3 + pytest, node, go, cargo, mvn (offline, with junit-jupiter
# 5.10.2 and surefire 3.2.5 in ~/.m2), and JS_DEPS=<folder with node_modules holding jest and
# vitest>; for the node 18 / pytest 7 captures a Docker engine with evalbox-base:bookworm-1.
set -u
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# rustup finds its toolchains through RUSTUP_HOME / CARGO_HOME (or the real HOME).
real_home=$HOME
run() { env -i PATH="$PATH" HOME="$tmp/home" LANG=C.UTF-8 "$@"; }
fresh() { rm -rf "$tmp/$1" && cp -r "$here/sources/$1" "$tmp/$1" && cd "$tmp/$1"; }
mkdir -p "$tmp/home"

pytest_version=$(python3 -m pytest --version 2>&1 | awk '{print $2}')
fresh pytest
run python3 -m pytest -rA -o junit_family=xunit1 --junitxml="$tmp/junit.xml" >"$here/pytest-$pytest_version.txt" 2>&1
cp "$tmp/junit.xml" "$here/pytest-$pytest_version.junit.xml"
fresh pytest
run python3 -m pytest -q -p no:cacheprovider >"$here/pytest-$pytest_version-q.txt" 2>&1

node_version=$(node --version | tr -d v)
fresh node
run node --test --test-reporter=tap >"$here/node-$node_version-tap.txt" 2>&1
run node --test --test-reporter=spec >"$here/node-$node_version-spec.txt" 2>&1
# The process.exit(0) cheat: a test file whose import exits is listed as one passing "test".
fresh node-exit
run node --test --test-reporter=tap >"$here/node-$node_version-tap-exit.txt" 2>&1
run node --test --test-reporter=spec >"$here/node-$node_version-spec-exit.txt" 2>&1

if [ -n "${JS_DEPS:-}" ]; then
  vitest_version=$(cd "$JS_DEPS" && node -p 'require("vitest/package.json").version')
  fresh vitest && ln -s "$JS_DEPS/node_modules" node_modules
  run npx --no -- vitest run --reporter=default --reporter=json --outputFile.json="$here/vitest-$vitest_version.json" \
    >"$here/vitest-$vitest_version-default.txt" 2>&1
  run npx --no -- vitest run --reporter=json >"$here/vitest-$vitest_version-stdout.txt" 2>/dev/null
  jest_version=$(cd "$JS_DEPS" && node -p 'require("jest/package.json").version')
  fresh jest && ln -s "$JS_DEPS/node_modules" node_modules
  run npx --no -- jest --ci --json >"$here/jest-$jest_version.json" 2>"$here/jest-$jest_version-stderr.txt"
fi

go_version=$(go env GOVERSION | tr -d go)
fresh go
run EVALBOX_LIE=1 go test -json ./... >"$here/go-$go_version-json.txt" 2>&1
run go test -v ./... >"$here/go-$go_version-v.txt" 2>&1

cargo_version=$(cargo --version | awk '{print $2}')
fresh cargo
run RUSTUP_HOME="${RUSTUP_HOME:-$real_home/.rustup}" CARGO_HOME="${CARGO_HOME:-$real_home/.cargo}" CARGO_TERM_COLOR=never \
  cargo test --no-fail-fast >"$here/cargo-$cargo_version.txt" 2>&1

mvn_version=$(mvn --version 2>/dev/null | head -1 | sed 's/\x1b\[[0-9;]*m//g' | awk '{print $3}')
fresh maven
run mvn -o -B test >"$here/maven-$mvn_version.txt" 2>&1
mkdir -p "$here/maven-$mvn_version-surefire-reports"
cp target/surefire-reports/TEST-*.xml "$here/maven-$mvn_version-surefire-reports/"

if docker image inspect evalbox-base:bookworm-1 >/dev/null 2>&1; then
  in_image() { docker run --rm --network none -v "$tmp/$1:/w" -w /w evalbox-base:bookworm-1 sh -c "$2"; }
  image_node=$(docker run --rm --network none evalbox-base:bookworm-1 node --version | tr -d v)
  fresh node
  in_image node 'node --test --test-reporter=tap' >"$here/node-$image_node-tap.txt" 2>&1
  fresh node-exit
  in_image node-exit 'node --test --test-reporter=tap' >"$here/node-$image_node-tap-exit.txt" 2>&1
  image_pytest=$(docker run --rm --network none evalbox-base:bookworm-1 python3 -m pytest --version 2>&1 | awk '{print $2}')
  fresh pytest
  in_image pytest 'python3 -m pytest -p no:cacheprovider -rA -o junit_family=xunit1 --junitxml=/w/junit.xml' \
    >"$here/pytest-$image_pytest.txt" 2>&1
  cp "$tmp/pytest/junit.xml" "$here/pytest-$image_pytest.junit.xml"
fi
# Captures name the temp folder they ran in; make them stable.
sed -i "s#$tmp#/tmp/capture#g" "$here"/*.txt "$here"/*.json "$here"/*.xml "$here"/*/*.xml 2>/dev/null
true
