import { realpathSync } from 'node:fs'
import { basename, dirname, isAbsolute, join, posix, relative, resolve } from 'node:path'
import { describeValue, EvalboxError } from '../core/errors.ts'

/**
 * Resolves a path given to a sandbox: absolute paths stay as they are, relative paths
 * resolve against `workdir`. Sandbox paths are POSIX paths for every provider.
 */
export function resolveSandboxPath(workdir: string, path: string): string {
  if (typeof path !== 'string' || path === '') {
    throw new EvalboxError('INVALID_OPTIONS', `Expected a non-empty sandbox path, got ${describeValue(path)}`)
  }
  return posix.resolve(workdir, path)
}

/**
 * Normalises the name of an entry inside a copied tree (a tar entry name, or a path
 * relative to the copied folder) and returns it relative to the tree root, or `null`
 * when the name is absolute or climbs out with `..`.
 */
export function entryNameInTree(name: string): string | null {
  if (name.startsWith('/')) return null
  const parts = name.split('/').filter((part) => part !== '' && part !== '.')
  if (parts.includes('..')) return null
  return parts.join('/')
}

/**
 * Where a symbolic link of a copied tree points, as a path relative to the tree root, or
 * `null` when the target lies outside the tree.
 *
 * The target is resolved lexically (`a/../b` is `b`) against the link's own folder;
 * absolute targets count as inside only when they start with `treeRoot` (the copied
 * folder's absolute path in the sandbox). Because copy-out recreates every accepted link
 * as a relative link to this lexical result, a copied tree never points outside itself,
 * even through chains of links.
 *
 * @param treeRoot absolute path of the copied folder inside the sandbox
 * @param entry path of the link relative to the tree root
 * @param target the link's target as stored
 */
export function linkTargetInTree(treeRoot: string, entry: string, target: string): string | null {
  const root = posix.resolve('/', treeRoot)
  const absolute = posix.isAbsolute(target)
    ? posix.normalize(target)
    : posix.join(root, posix.dirname(entry), target)
  if (absolute === root) return ''
  const prefix = root.endsWith('/') ? root : `${root}/`
  if (!absolute.startsWith(prefix)) return null
  return absolute.slice(prefix.length).replace(/\/+$/, '')
}

/**
 * The relative link text that makes `entry` point at `targetInTree` (both relative to
 * the tree root), for recreating an accepted link on the host.
 */
export function relativeLinkText(entry: string, targetInTree: string): string {
  return posix.relative(posix.dirname(`/${entry}`), `/${targetInTree}`) || '.'
}

/** The `SANDBOX_PATH_ESCAPE` error for a copied entry that would land outside the target. */
export function pathEscapeError(entry: string, detail: string, hostPath: string): EvalboxError {
  return new EvalboxError(
    'SANDBOX_PATH_ESCAPE',
    `Refusing to copy out of the sandbox: entry ${JSON.stringify(entry)} ${detail}, which is outside ` +
      `the copied folder. Nothing was written to ${JSON.stringify(hostPath)}. Remove or replace the ` +
      'entry inside the sandbox (for example with a copy of the file), or copy a narrower folder.',
  )
}

/**
 * A spec's host path (`workspace`, `build.context`) resolved against the project root,
 * with the reason it is refused, if it is: it must lie inside the root once symbolic links
 * are resolved (of the path and of the root), unless `allowOutsideRoot`. A path that does
 * not exist yet is judged by its deepest existing folder.
 */
export function projectPath(
  root: string,
  path: string,
  allowOutsideRoot: boolean | undefined,
): { path: string; outside?: string } {
  const full = resolve(root, path)
  if (allowOutsideRoot) return { path: full }
  const realRoot = realpathLoose(resolve(root))
  const real = realpathLoose(full)
  const rel = relative(realRoot, real)
  if (rel === '' || (!rel.startsWith('..') && !isAbsolute(rel))) return { path: full }
  return {
    path: full,
    outside:
      `${JSON.stringify(path)} resolves to ${JSON.stringify(real)}, outside the project root ${JSON.stringify(realRoot)}. ` +
      'Put the folder inside the project, or set `allowOutsideRoot: true` in the sandbox spec to use it anyway',
  }
}

/** Checks the host paths of a spec; returns the spec field and the reason of the first refused one. */
export function outsideRoot(
  spec: { workspace?: string; build?: { context: string }; allowOutsideRoot?: boolean } | string | undefined,
  root: string,
): { field: string; reason: string } | undefined {
  if (typeof spec !== 'object') return undefined
  for (const [field, path] of [
    ['workspace', spec.workspace],
    ['build.context', spec.build?.context],
  ] as const) {
    const outside = path === undefined ? undefined : projectPath(root, path, spec.allowOutsideRoot).outside
    if (outside) return { field, reason: outside }
  }
  return undefined
}

/** The real path of `path`, or of its deepest existing ancestor with the rest appended. */
function realpathLoose(path: string): string {
  try {
    return realpathSync(path)
  } catch {
    const parent = dirname(path)
    return parent === path ? path : join(realpathLoose(parent), basename(path))
  }
}

/** Resolves a spec path (workspace, build context) against the project root. */
export function hostPath(root: string, path: string): string {
  return isAbsolute(path) ? path : resolve(root, path)
}
