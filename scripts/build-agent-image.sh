#!/usr/bin/env bash
# Builds the agent image: the base image (scripts/build-base-image.sh) plus this host's Node.js
# and the pinned agent CLIs of scripts/agent-clis.json (claude, codex, gemini, opencode, qwen),
# installed on the host from npm (scripts/install-agent-clis.sh) and copied in, because
# containers cannot reach the npm registry here. Every CLI is on PATH in /usr/local/bin.
#
#   scripts/build-agent-image.sh [TAG]     prints the tag it built or found
#
# TAG defaults to evalbox-agents:<hash>, the hash of the CLI list, the Node.js version and the
# base image, so a change to any of them makes a new image and an unchanged one is reused. The
# image is also tagged evalbox-agents:latest, the name the examples use (examples/*/evals).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
base=${EVALBOX_BASE_IMAGE:-evalbox-base:bookworm-1}
clis=${EVALBOX_AGENT_CLIS_DIR:-$HOME/.cache/evalbox/agent-clis}
# The Node.js copied in: this host's, or EVALBOX_AGENT_NODE (a fixed one, whatever node is on PATH).
node_bin=${EVALBOX_AGENT_NODE:-$(command -v node)}
hash=$( { cat "$here/agent-clis.json"; "$node_bin" --version; echo "$base"; cat "$0"; } | sha256sum | cut -c1-12)
tag=${1:-evalbox-agents:$hash}
latest=evalbox-agents:latest
if docker image inspect "$tag" >/dev/null 2>&1; then
  docker tag "$tag" "$latest"
  echo "$tag"
  exit 0
fi
"$here/build-base-image.sh" "$base" >&2
"$here/install-agent-clis.sh" "$clis" >&2

context=$(mktemp -d "${TMPDIR:-/tmp}/evalbox-agent-image.XXXXXX")
trap 'rm -rf "$context"' EXIT
# Hard links when the folders share a file system (instant), a copy otherwise.
cp -al "$clis" "$context/agent-clis" 2>/dev/null || cp -a "$clis" "$context/agent-clis"
cp "$node_bin" "$context/node"
cat > "$context/Dockerfile" <<DOCKERFILE
FROM $base
COPY node /usr/local/bin/node
COPY agent-clis /opt/evalbox/agent-clis
# The sandbox's default user (1000:1000) gets a passwd entry: some CLIs ask the OS who they are
# (Qwen Code calls os.userInfo(), which fails for a uid /etc/passwd does not list).
RUN for bin in /opt/evalbox/agent-clis/node_modules/.bin/*; do ln -s "\$bin" /usr/local/bin/; done \
 && (getent group 1000 >/dev/null || echo 'sandbox:x:1000:' >> /etc/group) \
 && (getent passwd 1000 >/dev/null || echo 'sandbox:x:1000:1000:evalbox sandbox:/home/sandbox:/bin/sh' >> /etc/passwd)
LABEL evalbox.agent-clis="$hash"
DOCKERFILE
echo "agent image $tag: building (the CLIs are about 1.2 GB)" >&2
DOCKER_BUILDKIT=0 docker build -q -t "$tag" "$context" >/dev/null
docker tag "$tag" "$latest"
echo "agent image $tag: built (also $latest)" >&2
echo "$tag"
