import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { repoRoot } from './paths.ts'

/** The e2e tests run the built package, as users do; rebuild it when the source is newer. */
export default function setup(): void {
  const built = join(repoRoot, 'dist', 'vitest.js')
  const builtAt = existsSync(built) ? statSync(built).mtimeMs : 0
  if (builtAt > 0 && newestSource(join(repoRoot, 'src')) < builtAt) return
  execFileSync(process.execPath, [join(repoRoot, 'node_modules', 'tsup', 'dist', 'cli-default.js')], {
    cwd: repoRoot,
    stdio: 'ignore',
  })
}

function newestSource(dir: string): number {
  let newest = 0
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs)
  }
  return newest
}
