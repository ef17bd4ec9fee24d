import { chmod, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { harvestPatch, prepareWorkspaceBaseline } from '../../agents/harvest.ts'
import { createLocalSandbox } from '../../sandbox/local/local-sandbox.ts'
import type { Sandbox } from '../../sandbox/types.ts'

// A fixture and an agent's work on it with every kind of change a patch carries, for the
// verifier's patch tests (local and docker).

const dirs: string[] = []
/** Removes the folders `makeDir` made (call after each test). */
export async function cleanDirs(): Promise<void> {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })))
}

/** Files by path: text, bytes, a link, or an executable file. */
export type Tree = Record<string, string | Buffer | { link: string } | { exec: string }>

/** A fresh host folder holding `tree`. */
export async function makeDir(tree: Tree): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'evalbox-verifier-'))
  dirs.push(dir)
  await writeTree(dir, tree)
  return dir
}

export async function writeTree(dir: string, tree: Tree): Promise<void> {
  for (const [path, value] of Object.entries(tree)) {
    const to = join(dir, path)
    await mkdir(dirname(to), { recursive: true })
    if (typeof value === 'object' && 'link' in value) await symlink(value.link, to)
    else if (typeof value === 'object' && 'exec' in value) {
      await writeFile(to, value.exec)
      await chmod(to, 0o755)
    } else await writeFile(to, value)
  }
}

/** The files, links and modes of a sandbox's workdir, as `find` lists them. */
export async function listing(sandbox: Sandbox): Promise<string> {
  const found = await sandbox.exec(['sh', '-c', "find . -mindepth 1 -printf '%P %y %m %l\\n' | sort"])
  return found.stdout
}

export const BINARY = Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 7) % 256))
export const FIXTURE: Tree = {
  'src/calc.js': 'export const sub = (a, b) => a + b\n',
  'src/crlf.txt': 'one\r\ntwo\r\n',
  'run.sh': '#!/bin/sh\necho hi\n',
  'tool.sh': { exec: '#!/bin/sh\necho tool\n' },
  'assets/logo.bin': BINARY,
  'docs/old/only.md': 'gone soon\n',
  'link-to-src': { link: 'src' },
  'becomes-dir': { link: 'src/calc.js' },
  'NOTES.md': 'notes',
}
// Every kind of change: edits (CRLF, no final newline), binary edit and creation, mode
// changes both ways, a new link, a link turned into a folder, a deletion that empties its
// folder, a name with spaces and non-ASCII.
export const AGENT: Tree = {
  'src/calc.js': 'export const sub = (a, b) => a - b\n',
  'src/crlf.txt': 'one\r\nTWO\r\nthree',
  'run.sh': { exec: '#!/bin/sh\necho hi\n' },
  'assets/logo.bin': Buffer.concat([BINARY.subarray(0, 1500), Buffer.from([0, 1, 2]), BINARY.subarray(1500)]),
  'assets/new.bin': Buffer.from([0, 0xff, 0xfe, 0]),
  'src/new link': { link: '../NOTES.md' },
  'becomes-dir/inside é.txt': 'now a folder\n',
}

/** The harvested patch of `AGENT` on a copy of `fixture`, and the workdir listing it left. */
export async function agentWork(fixture: string): Promise<{ diff: string; expected: string }> {
  await using agent = await createLocalSandbox({ workspace: fixture, label: 'agent' })
  await prepareWorkspaceBaseline(agent)
  await agent.exec(['rm', '-f', 'docs/old/only.md', 'becomes-dir'])
  await agent.exec(['chmod', '644', 'tool.sh'])
  await writeTree(agent.workdir, AGENT)
  await agent.exec(['rmdir', 'docs/old', 'docs'])
  const { patch } = await harvestPatch(agent)
  return { diff: patch, expected: await listing(agent) }
}
