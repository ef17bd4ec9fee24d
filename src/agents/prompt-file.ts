import { EvalboxError } from '../core/errors.ts'
import type { Sandbox } from '../sandbox/types.ts'

// Outside the workdir, so the prompt never shows up in the harvested patch: the sandbox's
// home when it is writable (the local provider's home is inside its temp dir), else a
// fresh folder under /tmp (a read-only root keeps /tmp writable).
const WRITE_PROMPT = `set -u
dir="\${HOME:-/nonexistent}/.evalbox"
if ! { mkdir -p "$dir" && [ -w "$dir" ]; } 2>/dev/null; then
  dir=$(mktemp -d "\${TMPDIR:-/tmp}/evalbox.XXXXXX") || exit 1
fi
cat > "$dir/prompt.md" && printf %s "$dir/prompt.md"`

/**
 * Writes the prompt to a file inside the sandbox, outside the workdir, and returns the
 * file's absolute path (for `{promptFile}`). One exec, with the prompt on stdin, so it
 * works for every provider and for read-only roots.
 */
export async function writePromptFile(
  sandbox: Sandbox,
  prompt: string,
  signal?: AbortSignal,
): Promise<string> {
  const result = await sandbox.exec(['sh', '-c', WRITE_PROMPT], { stdin: prompt, signal, timeoutMs: 30_000 })
  const path = result.stdout.trim()
  if (result.exitCode !== 0 || !path.startsWith('/')) {
    throw new EvalboxError(
      'AGENT_FAILED',
      `Could not write the prompt file in sandbox ${sandbox.id} (exit code ${result.exitCode}): ` +
        `${result.stderr.trim() || 'no error output'}. Make $HOME or /tmp writable in the sandbox, ` +
        "or use promptVia: 'stdin'.",
    )
  }
  return path
}
