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

// Reads /proc/<pid>/stat with shell builtins only (no process of its own to spare): sets
// s (state), pp (parent pid) and t (start time). The fields are read after the last ')',
// so a command name with spaces or parentheses cannot shift them.
const STAT = `
info() {
  { read -r l <"/proc/$1/stat"; } 2>/dev/null || return 1
  set -- \${l##*) }; s=$1; pp=$2; t=\${20}
}`

/** `pid:starttime` of every process in the container now (see `killStepProcesses`). */
export async function processSnapshot(container: Container): Promise<string[]> {
  const script = `${STAT}
for d in /proc/[0-9]*; do p=\${d#/proc/}; info "$p" && echo "$p:$t"; done`
  const { stdout } = await runInternal(container, ['sh', '-c', script])
  return stdout.split('\n').filter(Boolean)
}

// Every process of the container but PID 1 (the container's init), its first child (the
// command that keeps the container alive: it started before anything else could) and this
// script, whatever its environment, session, group or user: what an agent started cannot
// hide from it. Processes listed as `pid:starttime` in the arguments are spared (a pid alone
// could have been reused). SIGTERM, then SIGKILL after the grace period, until none is left.
const STEP_SCRIPT = `${STAT}
n=$1; shift; spare=" $* "; me=$$; k=; kt=
for d in /proc/[0-9]*; do
  p=\${d#/proc/}; info "$p" || continue
  if [ "$pp" = 1 ] && { [ -z "$kt" ] || [ "$t" -lt "$kt" ]; }; then k=$p; kt=$t; fi
done
hit() {
  r=1
  for d in /proc/[0-9]*; do
    p=\${d#/proc/}
    [ "$p" = 1 ] || [ "$p" = "$k" ] || [ "$p" = "$me" ] && continue
    info "$p" || continue
    [ "$s" = Z ] || [ "$pp" = "$me" ] && continue
    case $spare in *" $p:$t "*) continue ;; esac
    r=0; kill -$1 "$p" 2>/dev/null
  done
  return $r
}
hit TERM || exit 0
while [ "$n" -gt 0 ]; do sleep 0.1; hit 0 || exit 0; n=$((n-1)); done
i=0
while hit KILL && [ $i -lt 100 ]; do sleep 0.05; i=$((i+1)); done
`

/**
 * Stops every process in the container except its init, the command that keeps it running
 * and the processes of `spare` (from `processSnapshot`); resolves when none is left (or the
 * container is gone). Used when the agent step ends. It runs as the sandbox user, like
 * `killExecTree`: without capabilities, root could not signal that user's processes, and
 * with no-new-privileges no process of the agent can become another user.
 */
export async function killStepProcesses(container: Container, spare: readonly string[] = []): Promise<void> {
  const ticks = String(Math.ceil(KILL_GRACE_MS / 100))
  await runInternal(container, ['sh', '-c', STEP_SCRIPT, 'evalbox-step-end', ticks, ...spare]).catch(() => {})
}
