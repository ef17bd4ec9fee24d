#!/usr/bin/env bash
# Builds the local base image used by evalbox's Docker tests and evals.
# No container registry is reachable from CI machines, so the root filesystem is made
# with debootstrap from Debian packages and imported; the image is cached by tag.
set -euo pipefail
tag="${1:-evalbox-base:bookworm-1}"
if docker image inspect "$tag" >/dev/null 2>&1; then
  echo "base image $tag: present"
  exit 0
fi
command -v debootstrap >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null; }
root="$(mktemp -d /tmp/evalbox-rootfs.XXXXXX)"
trap 'rm -rf "$root"' EXIT
echo "base image $tag: debootstrap into $root (about a minute)"
debootstrap --variant=minbase \
  --include=nodejs,python3,python3-pytest,git,procps,ca-certificates \
  bookworm "$root" http://deb.debian.org/debian >/tmp/evalbox-debootstrap.log 2>&1 \
  || { tail -20 /tmp/evalbox-debootstrap.log; exit 1; }
rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*
tar -C "$root" -c . | docker import \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'CMD ["/bin/sh"]' - "$tag" >/dev/null
echo "base image $tag: built"
