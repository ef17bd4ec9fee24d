#!/usr/bin/env bash
# Makes sure Chromium is installed for the HTML report's browser test (Debian's package; a
# test tool's own browser download does not work here).
set -uo pipefail
if [ -x /usr/bin/chromium ]; then echo "chromium: present ($(/usr/bin/chromium --version 2>/dev/null))"; exit 0; fi
echo "chromium: installing Debian's chromium"
apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null || exit 1
/usr/bin/chromium --version
