import { readFile } from 'node:fs/promises'
import { basename, isAbsolute, join } from 'node:path'
import type { Sandbox } from '../../sandbox/types.ts'

// node:test's own names for test files; anything else under `test/` may be a helper.
const TEST_FILE_NAME = /(?:[.\-_]test\.[cm]?[jt]sx?|^test-.+\.[cm]?[jt]sx?|^test\.[cm]?js)$/
const USES_NODE_TEST = /['"]node:test['"]/

/**
 * Which of the files the runner reported no test for (`ParsedTests.emptyFiles`, absolute
 * paths in the verifier) should have held tests, as paths relative to the workdir:
 *
 * - a file named as a test (`*.test.js`, `*-test.mjs`, `test-*.js`, ...), or whose copy in
 *   the fixture imports `node:test`: an empty report means its process ended before its
 *   tests ran (the code under test calling `process.exit(0)`), so it counts;
 * - a file whose fixture copy does not use `node:test` (a helper under `test/`), or that the
 *   fixture lacks: node runs it too, and it never holds tests, so it is left out;
 * - a path outside the workdir cannot be checked against the fixture, so it counts.
 */
export async function expectedTestFiles(
  emptyFiles: readonly string[],
  sandbox: Pick<Sandbox, 'workdir' | 'exec'>,
  workspace: string,
): Promise<string[]> {
  if (emptyFiles.length === 0) return []
  // Node names files by their physical path; the workdir may sit behind a symlink.
  const physical = await sandbox.exec(['pwd', '-P'])
  const roots = [sandbox.workdir, physical.exitCode === 0 ? physical.stdout.trim() : ''].filter(Boolean)
  const expected: string[] = []
  for (const file of emptyFiles) {
    // Node 22 names files relative to its working directory, the workdir.
    const absolute = isAbsolute(file) || /^[A-Za-z]:[\\/]/.test(file)
    const root = absolute ? roots.find((dir) => file.startsWith(`${dir.replace(/\/$/, '')}/`)) : ''
    if (root === undefined) {
      expected.push(file)
      continue
    }
    const relative = absolute ? file.slice(root.replace(/\/$/, '').length + 1) : file.replace(/^\.\//, '')
    if (TEST_FILE_NAME.test(basename(relative))) {
      expected.push(relative)
      continue
    }
    const source = await readFile(join(workspace, relative), 'utf8').catch(() => '')
    if (USES_NODE_TEST.test(source)) expected.push(relative)
  }
  return expected
}
