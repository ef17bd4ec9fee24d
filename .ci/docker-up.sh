#!/usr/bin/env bash
# Makes sure a Docker engine answers: installs docker.io from Debian packages and starts
# dockerd when none runs (CI machines start without one).
set -uo pipefail
if docker info >/dev/null 2>&1; then echo "docker engine: running"; exit 0; fi
if ! command -v dockerd >/dev/null 2>&1; then
  echo "docker engine: installing docker.io"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io >/dev/null || exit 1
fi
command -v debootstrap >/dev/null 2>&1 || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
echo "docker engine: starting dockerd"
nohup dockerd >/tmp/evalbox-dockerd.log 2>&1 &
for _ in $(seq 1 60); do
  if [ -S /var/run/docker.sock ] && docker info >/dev/null 2>&1; then echo "docker engine: up"; exit 0; fi
  sleep 1
done
echo "docker engine: dockerd did not come up; its log:"
tail -n 40 /tmp/evalbox-dockerd.log
exit 1
