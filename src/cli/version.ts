import { readFileSync } from 'node:fs'

/**
 * evalbox's own version, from the package.json next to this code: `../package.json` from the
 * built `dist/cli.js`, `../../package.json` from `src/cli/`. `unknown` if neither is found.
 */
export function evalboxVersion(): string {
  for (const candidate of ['../package.json', '../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(candidate, import.meta.url), 'utf8')) as {
        name?: unknown
        version?: unknown
      }
      // The first package.json up the tree could be a consumer's; only ours counts.
      if (pkg.name === 'evalbox' && typeof pkg.version === 'string') return pkg.version
    } catch {
      // Not this layout; try the next.
    }
  }
  return 'unknown'
}
