import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeRun, makeTest } from '../compare/__fixtures__/runs.ts'

// The built bin: bundled the way the package ships it (dist/cli.js beside a package.json),
// started by a real Node process, directly and through a node_modules/.bin-style symlink.
let root: string
let cli: string

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'evalbox-bin-'))
  cli = join(root, 'dist', 'cli.js')
  writeFileSync(
    join(root, 'package.json'),
    JSON.stringify({ name: 'evalbox', version: '9.8.7', type: 'module' }),
  )
  await build({
    entryPoints: [fileURLToPath(new URL('./index.ts', import.meta.url))],
    outfile: cli,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    banner: { js: '#!/usr/bin/env node' },
    logLevel: 'silent',
  })
  // Dependencies stay external, as in the package; resolve them from this checkout.
  symlinkSync(fileURLToPath(new URL('../../node_modules', import.meta.url)), join(root, 'node_modules'))
  mkdirSync(join(root, 'bin'))
  symlinkSync(cli, join(root, 'bin', 'evalbox'))
  mkdirSync(join(root, '.evals'))
  const run = makeRun([makeTest('checkout')])
  writeFileSync(join(root, '.evals', '0.1.0-main-e2e-20260102-100000.json'), JSON.stringify(run))
}, 60_000)

afterAll(() => {
  rmSync(root, { recursive: true, force: true })
})

function node(args: string[]) {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' }
  delete env.EVALBOX_DIR
  return spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8', env })
}

describe('the built evalbox bin', () => {
  it('reads its version from the package.json next to dist/', () => {
    const r = node([cli, '--version'])
    expect(r.stdout).toBe('9.8.7\n')
    expect(r.status).toBe(0)
  })

  it('runs through a bin symlink and sets the exit code', () => {
    const list = node([join(root, 'bin', 'evalbox'), 'list'])
    expect(list.status).toBe(0)
    expect(list.stdout).toContain('0.1.0-main-e2e-20260102-100000.json')
    const bad = node([join(root, 'bin', 'evalbox'), 'nope'])
    expect(bad.status).toBe(2)
    expect(bad.stderr).toContain('unknown command "nope"')
  })
})
