import { EvalboxError } from '../core/errors.ts'
import type { Sandbox } from '../sandbox/types.ts'

/** A path under the home folder: relative, no `..`, no odd characters. */
const HOME_FILE = /^(?!.*(?:^|\/)\.\.(?:\/|$))[A-Za-z0-9._-][A-Za-z0-9._/-]*$/

/**
 * Makes a fresh, empty home folder for one agent run inside the sandbox, outside the workdir
 * (so nothing in it is harvested) and removed with the sandbox, writes `files` into it, and returns its absolute path.
 * A CLI run with `HOME` set to it sees only the config its adapter wrote — never the image's
 * or the user's. One exec, made as the sandbox's user, so the agent owns the folder.
 */
export async function makeAgentHome(
  sandbox: Sandbox,
  files: Readonly<Record<string, string>>,
  signal?: AbortSignal,
): Promise<string> {
  // Under the sandbox's own HOME when it is writable (the local provider's lies inside its temp
  // folder, Docker's is a tmpfs): it goes with the sandbox; else a fresh folder under /tmp.
  const lines = [
    'set -eu',
    `home=$(mktemp -d "\${HOME:-/nonexistent}/.evalbox-home.XXXXXX" 2>/dev/null || mktemp -d "\${TMPDIR:-/tmp}/evalbox-home.XXXXXX")`,
  ]
  for (const [path, content] of Object.entries(files)) {
    if (!HOME_FILE.test(path))
      throw new EvalboxError(
        'INVALID_OPTIONS',
        `Not a file path under a home folder: ${JSON.stringify(path)}`,
      )
    const data = Buffer.from(content).toString('base64')
    lines.push(`mkdir -p "$home/$(dirname '${path}')"`, `printf %s '${data}' | base64 -d > "$home/${path}"`)
  }
  lines.push('printf %s "$home"')
  const result = await sandbox.exec(['sh', '-c', lines.join('\n')], { signal, timeoutMs: 30_000 })
  const home = result.stdout.trim()
  if (result.exitCode !== 0 || !home.startsWith('/')) {
    throw new EvalboxError(
      'AGENT_FAILED',
      `Could not make the agent's home folder in sandbox ${sandbox.id} (exit code ${result.exitCode}): ` +
        `${result.stderr.trim() || 'no error output'}. Make /tmp (or $TMPDIR) writable in the sandbox.`,
    )
  }
  return home
}
