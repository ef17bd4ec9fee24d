#!/usr/bin/env bash
# Makes sure `python3 -m pytest` works for the unitTests grader's local pytest cases. When the
# python3 on PATH has no pytest, Debian's python3-pytest is installed and, if PATH points at
# another python3 (pyenv), a shim folder printed on stdout is to be put first on PATH.
set -uo pipefail
if python3 -m pytest --version >/dev/null 2>&1; then
  echo "pytest: present ($(python3 -m pytest --version 2>&1 | head -n 1))" >&2
  exit 0
fi
echo "pytest: installing Debian's python3-pytest" >&2
{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-pytest >/dev/null; } >&2 || exit 1
if python3 -m pytest --version >/dev/null 2>&1; then exit 0; fi
/usr/bin/python3 -m pytest --version >/dev/null 2>&1 || exit 1
shim=$(mktemp -d "${TMPDIR:-/tmp}/evalbox-python.XXXXXX")
ln -s /usr/bin/python3 "$shim/python3"
echo "pytest: using /usr/bin/python3 through $shim" >&2
echo "$shim"
