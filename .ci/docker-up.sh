#!/usr/bin/env bash
# Makes sure a Docker engine answers: installs docker.io from Debian packages and starts
# dockerd when none runs (CI machines start without one). Also installs gVisor (runsc, a
# Debian package) and registers it as the runtime 'runsc' of the dockerd it starts; the
# gVisor tests start an engine of their own with the same registration (second-engine.ts).
set -uo pipefail
if ! command -v runsc >/dev/null 2>&1; then
  echo "gvisor: installing runsc"
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq runsc >/dev/null; } || exit 1
fi
if docker info >/dev/null 2>&1; then echo "docker engine: running"; exit 0; fi
if ! command -v dockerd >/dev/null 2>&1; then
  echo "docker engine: installing docker.io"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io >/dev/null || exit 1
fi
command -v debootstrap >/dev/null 2>&1 || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
if [ ! -e /etc/docker/daemon.json ]; then
  # --network=none: gVisor's own loopback only (evalbox's default network 'none'); on some
  # hosts runsc cannot take over the interfaces of Docker's network namespace.
  mkdir -p /etc/docker
  echo '{"runtimes":{"runsc":{"path":"/usr/bin/runsc","runtimeArgs":["--network=none"]}}}' >/etc/docker/daemon.json
fi
echo "docker engine: starting dockerd"
nohup dockerd >/tmp/evalbox-dockerd.log 2>&1 &
for _ in $(seq 1 60); do
  if [ -S /var/run/docker.sock ] && docker info >/dev/null 2>&1; then echo "docker engine: up"; exit 0; fi
  sleep 1
done
echo "docker engine: dockerd did not come up; its log:"
tail -n 40 /tmp/evalbox-dockerd.log
exit 1
