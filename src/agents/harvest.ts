import { posix } from 'node:path'
import { describeValue, EvalboxError, errorMessage } from '../core/errors.ts'
import { readContent, readTree, type TreeEntry } from '../sandbox/tree.ts'
import type { Sandbox } from '../sandbox/types.ts'
import { provablyUntouched } from '../sandbox/untouched.ts'
import { type GitFile, gitFile, gitPatch } from './git-patch.ts'
import { isHarvestExcluded } from './harvest-excludes.ts'
import { IgnoreRules } from './ignore-rules.ts'

/** The workspace as the fixture left it, before the agent: what a harvest diffs against. */
export interface WorkspaceBaseline {
  /** The files (and symbolic links) recorded, by path relative to the workdir. */
  readonly files: ReadonlyMap<string, GitFile>
  /** The fixture's `.gitignore` files and `.git/info/exclude`, as they were then. */
  readonly ignore: IgnoreRules
}

/** What the agent changed. */
export interface HarvestedPatch {
  /** The workspace against the baseline as a `git diff --binary`: new, edited and deleted files. */
  readonly patch: string
  /** Paths (relative to the workdir) of the files changed, added or deleted, sorted. */
  readonly files: string[]
  /** The sandbox proved its workdir and output folder untouched since they started empty; nothing was read. */
  readonly untouched?: true
}

/** Caps on what a baseline or a harvest reads from the workdir. */
export interface HarvestLimits {
  /** Bytes of files read (apparent size: a sparse file counts in full). @default 268_435_456 (256 MiB) */
  maxBytes?: number
  /** Entries (files, folders, links) read. @default 50_000 */
  maxFiles?: number
}

/** Default caps of a baseline and a harvest. */
export const DEFAULT_HARVEST_LIMITS: Required<HarvestLimits> = {
  maxBytes: 256 * 1024 * 1024,
  maxFiles: 50_000,
}

const baselines = new WeakMap<Sandbox, WorkspaceBaseline>()

/**
 * The baseline of a sandbox that started with an empty workdir (no workspace fixture): no
 * files, so nothing needs reading before the agent and the harvest lists everything it made.
 */
export const EMPTY_BASELINE: WorkspaceBaseline = { files: new Map(), ignore: new IgnoreRules() }

/**
 * Records the workspace as the fixture left it, before the agent runs: every file and link
 * of the workdir, read on the host side (Docker's archive API, or the local file system)
 * without running anything in the sandbox, so the image needs no git. Left out: `.git`
 * folders, the harvest's default excludes (`HARVEST_EXCLUDES`) and what the fixture's own
 * `.gitignore` files and `.git/info/exclude` ignore; those rules are kept with the baseline,
 * on the host. The workdir is not changed. Call once per sandbox.
 */
export async function prepareWorkspaceBaseline(
  sandbox: Sandbox,
  limits: HarvestLimits = {},
): Promise<WorkspaceBaseline> {
  const texts = new Map<string, string>() // ignore file folder ('' and deeper) → text
  let infoExclude = ''
  const ignore = new IgnoreRules()
  const files = await snapshot(sandbox, limits, 'record the workspace baseline', {
    ignore,
    gitEntry: (entry) => {
      if (entry.path === '.git' || entry.path === '.git/info') return entry.type === 'directory'
      return entry.path === '.git/info/exclude' && entry.type === 'file'
    },
    found: async (entry, file) => {
      if (entry.path === '.git/info/exclude') infoExclude = file.data.toString('utf8')
      else if (posix.basename(entry.path) === '.gitignore' && file.mode !== '120000') {
        const base = posix.dirname(entry.path) === '.' ? '' : posix.dirname(entry.path)
        texts.set(base, file.data.toString('utf8'))
        // Rules apply to the entries read after their file; the exact set is applied below.
        ignore.add(base, texts.get(base)!)
      }
    },
  })
  files.delete('.git/info/exclude')
  // The exact rules: `.git/info/exclude` lowest, then `.gitignore` files shallow to deep.
  const rules = new IgnoreRules()
  rules.add('', infoExclude)
  const bases = [...texts.keys()].sort((a, b) => depth(a) - depth(b))
  for (const base of bases) rules.add(base, texts.get(base)!)
  for (const path of [...files.keys()]) if (rules.ignores(path, false)) files.delete(path)
  const baseline: WorkspaceBaseline = { files, ignore: rules }
  baselines.set(sandbox, baseline)
  return baseline
}

/**
 * The agent's changes: everything in the workdir (new, edited, deleted and binary files,
 * links, mode changes) against the baseline of `prepareWorkspaceBaseline`, as a patch that
 * `git apply` takes. The selection depends on nothing the agent can write: left out are
 * `.git` folders, these tool caches at any depth (`HARVEST_EXCLUDES`, no file can take them
 * back): `__pycache__/`, `*.pyc`, `.pytest_cache/`, `node_modules/`, `.mypy_cache/`,
 * `.ruff_cache/`; and what the fixture's ignore rules ignored *at baseline time* (a
 * `.gitignore` the agent writes or edits is part of the patch, and is not obeyed).
 * `target/` is not excluded. The workdir is read on the host side; no git runs in the sandbox.
 */
export async function harvestPatch(
  sandbox: Sandbox,
  baseline: WorkspaceBaseline | undefined = baselines.get(sandbox),
  limits: HarvestLimits = {},
): Promise<HarvestedPatch> {
  if (!baseline) {
    throw new EvalboxError(
      'INVALID_OPTIONS',
      `harvestPatch: sandbox ${sandbox.id} has no baseline. Call prepareWorkspaceBaseline(sandbox) before the agent runs.`,
    )
  }
  // Nothing to diff: the workdir started empty and the sandbox proves nobody wrote to it
  // since. Saves reading it, which is most of a quick case's overhead.
  if (baseline.files.size === 0 && (await provablyUntouched(sandbox))) {
    return { patch: '', files: [], untouched: true }
  }
  const before = baseline.files
  const after = await snapshot(sandbox, limits, 'harvest the workspace', {
    ignore: baseline.ignore,
    gitEntry: () => false,
    // An unchanged file keeps the baseline's bytes; only changed ones are held twice.
    keep: (path, file) => {
      const old = before.get(path)
      return old && old.id === file.id && old.mode === file.mode ? old : file
    },
  })
  return gitPatch(before, after)
}

interface SnapshotHooks {
  ignore: IgnoreRules
  /** Whether to read an entry under a `.git` folder (`false`: left out, not descended into). */
  gitEntry(entry: TreeEntry): boolean
  found?(entry: TreeEntry, file: GitFile): Promise<void> | void
  keep?(path: string, file: GitFile): GitFile
}

/** The workdir's files and links as git would record them, read entry by entry on the host side. */
async function snapshot(
  sandbox: Sandbox,
  limits: HarvestLimits,
  what: string,
  hooks: SnapshotHooks,
): Promise<Map<string, GitFile>> {
  const { maxBytes, maxFiles } = checkLimits(limits)
  const files = new Map<string, GitFile>()
  const hardLinks: { path: string; mode: GitFile['mode'] }[] = []
  let entries = 0
  let bytes = 0
  const tooMuch = (what: string) =>
    new EvalboxError(
      'AGENT_FAILED',
      `The workspace of sandbox ${sandbox.id} holds more than ${what} after the harvest's excludes and the ` +
        "fixture's .gitignore, so it is not harvested. Add the generated files to the fixture's .gitignore, " +
        'or raise the cap (sandbox option `copyLimits.workspaceBytes` / `copyLimits.workspaceFiles`).',
    )
  const add = async (entry: TreeEntry, file: GitFile) => {
    await hooks.found?.(entry, file)
    files.set(entry.path, hooks.keep ? hooks.keep(entry.path, file) : file)
  }
  try {
    await readTree(sandbox, sandbox.workdir, async (entry) => {
      const { path, type } = entry
      if (path === '') return type === 'directory'
      const isFolder = type === 'directory'
      if (path.split('/').some((part) => part.toLowerCase() === '.git')) {
        if (!hooks.gitEntry(entry)) return false
      } else if (isHarvestExcluded(path, isFolder) || hooks.ignore.ignores(path, isFolder)) return false
      if (type === 'other') return false
      if (++entries > maxFiles) throw tooMuch(`${maxFiles} entries`)
      if (isFolder) return true
      const mode = type === 'symlink' ? '120000' : entry.mode & 0o100 ? '100755' : '100644'
      if (type === 'hardlink') {
        const target = entry.linkname ? files.get(entry.linkname) : undefined
        if (target) await add(entry, gitFile(mode, target.data))
        else hardLinks.push({ path, mode })
        return true
      }
      bytes += type === 'file' ? entry.size : (entry.linkname ?? '').length
      if (bytes > maxBytes) throw tooMuch(`${maxBytes} bytes`)
      const data = type === 'symlink' ? Buffer.from(entry.linkname ?? '', 'utf8') : await readContent(entry)
      await add(entry, gitFile(mode, data))
      return true
    })
    // A hard link to a file left out (a cache, say) carries no bytes in the archive: read it alone.
    for (const { path, mode } of hardLinks) {
      const data = await sandbox.readFile(posix.join(sandbox.workdir, path))
      bytes += data.length
      if (bytes > maxBytes) throw tooMuch(`${maxBytes} bytes`)
      await add({ path, type: 'file', mode: 0o644, size: data.length }, gitFile(mode, data))
    }
  } catch (error) {
    if (error instanceof EvalboxError) throw error
    // The workdir itself is gone: the agent removed it, which deletes every file.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' && entries === 0) return files
    throw new EvalboxError(
      'AGENT_FAILED',
      `Could not ${what} of sandbox ${sandbox.id}: ${errorMessage(error)}`,
      {
        cause: error,
      },
    )
  }
  return files
}

function checkLimits(limits: HarvestLimits): Required<HarvestLimits> {
  const merged = { ...DEFAULT_HARVEST_LIMITS, ...limits }
  for (const key of ['maxBytes', 'maxFiles'] as const) {
    if (!(Number.isInteger(merged[key]) && merged[key] >= 0)) {
      throw new EvalboxError(
        'INVALID_OPTIONS',
        `Expected the harvest's \`${key}\` to be a non-negative integer, got ${describeValue(merged[key])}`,
      )
    }
  }
  return merged
}

function depth(base: string): number {
  return base === '' ? 0 : base.split('/').length
}
