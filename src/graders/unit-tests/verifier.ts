import { lstat } from 'node:fs/promises'
import { join } from 'node:path'
import { isHarvestExcluded } from '../../agents/harvest-excludes.ts'
import { EvalboxError } from '../../errors.ts'
import type { ExecResult, Sandbox } from '../../sandbox/types.ts'
import type { PatchFile } from './patch-files.ts'
import type { TamperedFile } from './verdict.ts'

// Ignore the user's and the system's git config (hooks, filters, autocrlf), as the harvest does.
const GIT_ENV = { GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1', GIT_TERMINAL_PROMPT: '0' }

// A plain folder needs no repo: `git apply` outside one patches the files as they are.
// The ceiling stops git from adopting a repo above the workdir; a fixture that is a repo
// itself is found at the workdir and left as it is (no index or ref changes).
const APPLY = `set -eu
GIT_CEILING_DIRECTORIES=$(dirname "$PWD") git -c core.autocrlf=false -c core.safecrlf=false \\
  -c 'safe.directory=*' apply --binary --whitespace=nowarn "$1"`

/**
 * Applies the agent's patch (`git diff --binary` against the fixture) to the verifier's
 * clean copy of the fixture: edits, new, deleted and binary files, and mode changes. The
 * patch is written to `scratch` (outside the workdir) first. Throws when git is missing or
 * the patch does not apply (the fixture changed since the agent ran).
 */
export async function applyAgentPatch(sandbox: Sandbox, diff: string, scratch: string): Promise<void> {
  const patchPath = `${scratch}/agent.patch`
  await sandbox.writeFile(patchPath, diff)
  const result = await sandbox.exec(['sh', '-c', APPLY, 'apply', patchPath], {
    env: GIT_ENV,
    timeoutMs: 120_000,
  })
  if (result.exitCode === 0) return
  throw new EvalboxError(
    'GRADER_CONFIG',
    `unitTests: could not apply the agent's patch to a clean copy of the fixture in verifier ${sandbox.id}: ${gitProblem(result)}`,
  )
}

function gitProblem(result: ExecResult): string {
  if (result.exitCode === 127 || /git: (not found|command not found)/.test(result.stderr)) {
    return 'git is not installed in the sandbox image; use an image with git (evalbox-base has it)'
  }
  const why = result.stderr.trim().split('\n').slice(0, 5).join(' | ') || `exit code ${result.exitCode}`
  return `${why}. Did the fixture change since the agent ran?`
}

/**
 * Puts the trusted test files back: every patched file that `isTest` accepts is removed
 * from the verifier and, when the fixture has it, copied again from the fixture on the
 * host. Returns those files, for the report, except tool caches (`isHarvestExcluded`:
 * `tests/__pycache__/...`), which are restored all the same (a planted `.pyc` could stand in
 * for a test module) but are debris, not tampering. Paths that are absolute, climb out with
 * `..` or lie in `node_modules` are never touched (the harvest does not make the first two;
 * `git apply` refuses them; the last are dependencies, not tests).
 */
export async function restoreTrustedTests(
  sandbox: Sandbox,
  workspace: string,
  files: readonly PatchFile[],
  isTest: (path: string) => boolean,
): Promise<TamperedFile[]> {
  const restored = files.filter(
    (file) =>
      isTest(file.path) &&
      !file.path.startsWith('/') &&
      !file.path.split('/').some((part) => part === '..' || part === 'node_modules'),
  )
  if (restored.length === 0) return []
  // Remove first: a test file the patch turned into a link must not be written through.
  const paths = restored.map((file) => file.path)
  const removed = await sandbox.exec(['rm', '-rf', '--', ...paths])
  if (removed.exitCode !== 0) {
    throw new EvalboxError(
      'SANDBOX_UNAVAILABLE',
      `unitTests: could not remove the agent's test files in verifier ${sandbox.id}: ${removed.stderr.trim()}`,
    )
  }
  for (const path of paths) {
    const host = join(workspace, path)
    if (await lstat(host).catch(() => undefined)) await sandbox.copyIn(host, path)
  }
  return restored
    .filter((file) => !isHarvestExcluded(file.path))
    .map(({ path, change }) => ({ path, change }))
}

/** Reads the report files a run left (`find -path` pattern under the workdir), by path. */
export async function readWorkspaceReports(
  sandbox: Sandbox,
  pattern: string,
): Promise<Record<string, string>> {
  const listing = await sandbox.exec([
    'find',
    '.',
    '-path',
    pattern,
    '-type',
    'f',
    '-not',
    '-path',
    '*/node_modules/*',
  ])
  const files: Record<string, string> = {}
  for (const path of listing.stdout.split('\n').filter(Boolean).slice(0, 1000)) {
    files[path.replace(/^\.\//, '')] = (await sandbox.readFile(path)).toString('utf8')
  }
  return files
}

/** Removes report files left in the workspace before the run (stale or planted ones). */
export async function clearWorkspaceReports(sandbox: Sandbox, pattern: string): Promise<void> {
  await sandbox.exec(['find', '.', '-path', pattern, '-type', 'f', '-delete'])
}
