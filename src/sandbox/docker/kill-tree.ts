import type { Container } from 'dockerode'
import { EXEC_MARKER, KILL_GRACE_MS } from '../types.ts'
import { runInternal } from './internal-exec.ts'

// Finds processes by the marker in /proc/<pid>/environ rather than by parentage: a
// daemon that called setsid or was reparented to init still carries its environment.
// SIGTERM first, then SIGKILL for what is left after the grace period.
const SCRIPT = `
m="${EXEC_MARKER}=$1"; n=$2
hit() {
  r=1
  for f in /proc/[0-9]*/environ; do
    if tr '\\0' '\\n' 2>/dev/null <"$f" | grep -qxF "$m"; then
      r=0; p=\${f#/proc/}; kill -$1 "\${p%/environ}" 2>/dev/null
    fi
  done
  return $r
}
hit TERM || exit 0
while [ "$n" -gt 0 ]; do sleep 0.1; hit 0 || exit 0; n=$((n-1)); done
i=0
while hit KILL && [ $i -lt 100 ]; do sleep 0.05; i=$((i+1)); done
`

/**
 * Stops every process of the exec tagged `execId` from a second exec, and resolves when
 * none is left (or the container is gone). It runs as the sandbox user, not root: the
 * container has no capabilities, and only a process of the same user may signal the
 * command's processes without CAP_KILL.
 */
export async function killExecTree(container: Container, execId: string): Promise<void> {
  const ticks = String(Math.ceil(KILL_GRACE_MS / 100))
  await runInternal(container, ['sh', '-c', SCRIPT, 'evalbox-kill', execId, ticks]).catch(() => {
    // A container that died meanwhile has nothing left to kill.
  })
}
