import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { hostname } from 'node:os'
import { join } from 'node:path'

/** Facts about the code under evaluation, recorded in every run file. */
export interface RunInfo {
  version: string
  branch: string
  git_sha: string
  hostname: string
}

/**
 * Reads the project's version (its package.json) and git branch and commit, once per run.
 * In CI a detached HEAD is named by the CI's branch variables.
 */
export function readRunInfo(root: string, overrides: Partial<RunInfo> = {}): RunInfo {
  return {
    version: overrides.version ?? projectVersion(root),
    branch: overrides.branch ?? gitBranch(root),
    git_sha: overrides.git_sha ?? git(root, ['rev-parse', '--short', 'HEAD']) ?? 'unknown',
    hostname: overrides.hostname ?? hostname(),
  }
}

function projectVersion(root: string): string {
  try {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version?: unknown }
    return typeof pkg.version === 'string' && pkg.version ? pkg.version : 'unknown'
  } catch {
    return 'unknown'
  }
}

function gitBranch(root: string): string {
  const env = process.env
  const fromEnv = env.EVALBOX_BRANCH || env.GITHUB_HEAD_REF || env.GITHUB_REF_NAME || env.CI_COMMIT_REF_NAME
  if (fromEnv) return fromEnv
  const branch = git(root, ['rev-parse', '--abbrev-ref', 'HEAD'])
  return branch && branch !== 'HEAD' ? branch : branch === 'HEAD' ? 'detached' : 'unknown'
}

function git(cwd: string, args: string[]): string | undefined {
  const result = spawnSync('git', args, {
    cwd,
    encoding: 'utf8',
    timeout: 5_000,
    stdio: ['ignore', 'pipe', 'ignore'],
  })
  const out = result.status === 0 ? result.stdout.trim() : ''
  return out || undefined
}
