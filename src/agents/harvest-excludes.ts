/**
 * What the harvest leaves out of every patch, as `.gitignore` lines: caches and installs
 * that tools write while an agent works (running pytest writes `__pycache__/` next to the
 * tests). They are never the agent's answer; in a patch they read as edits to test folders,
 * and a planted cache (a `.pyc` standing in for a test module, a preset in `node_modules`)
 * would run in the verifier instead of the trusted files. No `.gitignore` line takes one
 * back: evalbox applies them itself, after every ignore file. `target/` (Rust, Maven) is not
 * among them: some fixtures keep sources there.
 */
export const HARVEST_EXCLUDES: readonly string[] = [
  '__pycache__/',
  '*.pyc',
  '.pytest_cache/',
  'node_modules/',
  '.mypy_cache/',
  '.ruff_cache/',
]

interface Rule {
  /** A folder pattern (`name/`): matches folders only, at any depth. */
  folder: boolean
  name: RegExp
}

// Only the two forms the defaults use: `name/` and a `*` pattern for a file name.
const RULES: readonly Rule[] = HARVEST_EXCLUDES.map((line) => {
  const folder = line.endsWith('/')
  const glob = folder ? line.slice(0, -1) : line
  const source = glob
    .split('*')
    .map((part) => part.replace(/[\\^$.+?()|[\]{}]/g, '\\$&'))
    .join('[^/]*')
  return { folder, name: new RegExp(`^${source}$`) }
})

/**
 * Whether a workspace-relative path (`/`-separated, as in a patch) falls under
 * `HARVEST_EXCLUDES`: `tests/__pycache__/x.pyc`, `a/b.pyc`, `node_modules/p/index.js`, and
 * with `isFolder` the folder `a/node_modules` itself. Pure.
 */
export function isHarvestExcluded(path: string, isFolder = false): boolean {
  const parts = path.split('/')
  const folders = isFolder ? parts : parts.slice(0, -1)
  return RULES.some((rule) => (rule.folder ? folders : parts).some((part) => rule.name.test(part)))
}
