import { posix } from 'node:path'
import { describeValue, EvalboxError } from '../errors.ts'

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
