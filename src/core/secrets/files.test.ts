import { execFileSync } from 'node:child_process'
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { redactData, redactTree } from './files.ts'
import { createRedactor } from './redact.ts'

const KEY = 'sk-ant-files-test-0123456789abcdef'
const redactor = createRedactor([], { ANTHROPIC_API_KEY: KEY })
const binaryWith = (text: string) =>
  Buffer.concat([Buffer.from([0, 1, 2, 0]), Buffer.from(text), Buffer.from([0])])

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'evalbox-secrets-files-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('redactData', () => {
  it('redacts text, given as a string or as UTF-8 bytes; clean data is returned as it was', () => {
    expect(redactData(`k=${KEY}`, redactor)).toEqual({ data: 'k=[REDACTED:ANTHROPIC_API_KEY]' })
    expect(redactData(Buffer.from(`k=${KEY}`), redactor)).toEqual({ data: 'k=[REDACTED:ANTHROPIC_API_KEY]' })
    const clean = Buffer.from('\uFEFFno secret here')
    expect(redactData(clean, redactor).data).toBe(clean)
  })

  it('keeps binary data without a secret, withholds one with a secret in UTF-8 or UTF-16', () => {
    const clean = binaryWith('nothing')
    expect(redactData(clean, redactor).data).toBe(clean)
    expect(redactData(binaryWith(KEY), redactor).withheld).toBe(
      'it is binary and contains the value of ANTHROPIC_API_KEY',
    )
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe, 0]), Buffer.from(KEY, 'utf16le')])
    expect(redactData(utf16, redactor).withheld).toMatch(/ANTHROPIC_API_KEY/)
    const odd = Buffer.concat([Buffer.from([0]), Buffer.from(`x${KEY}`, 'utf16le')])
    expect(redactData(odd, redactor).withheld).toMatch(/ANTHROPIC_API_KEY/)
    expect(redactData(binaryWith(`ghp_${'a1'.repeat(20)}`), redactor).withheld).toMatch(/github-token/)
  })

  it('withholds compressed data, which cannot be scanned', () => {
    expect(redactData(gzipSync('anything'), redactor).withheld).toMatch(/compressed/)
  })

  it('decodes the binary changes of a git patch: one with a secret is replaced by a note', async () => {
    execFileSync('git', ['init', '-q'], { cwd: dir })
    await writeFile(join(dir, 'clean.bin'), binaryWith('nothing to see'))
    await writeFile(join(dir, 'leak.bin'), binaryWith(`${'x'.repeat(500)}${KEY}`))
    await writeFile(join(dir, 'leak.txt'), `${KEY}\n`)
    execFileSync('git', ['add', '-A'], { cwd: dir })
    const patch = execFileSync('git', ['diff', '--cached', '--binary'], { cwd: dir }).toString()
    const { data } = redactData(patch, redactor)
    const text = data as string
    expect(text).not.toContain(KEY)
    expect(text).toContain('+[REDACTED:ANTHROPIC_API_KEY]')
    const sections = text.split('diff --git ')
    expect(sections.find((s) => s.startsWith('a/leak.bin'))).toContain(
      '(evalbox withheld this binary change: it is binary and contains the value of ANTHROPIC_API_KEY)',
    )
    // The clean binary change stays whole: it still applies.
    const clean = sections.find((s) => s.startsWith('a/clean.bin'))!
    expect(clean).toContain('GIT binary patch\nliteral')
    const target = join(dir, 'applied')
    await mkdir(target)
    execFileSync('git', ['init', '-q'], { cwd: target })
    await writeFile(join(target, 'clean.diff'), `diff --git ${clean}`)
    execFileSync('git', ['apply', '--binary', 'clean.diff'], { cwd: target })
    expect(await readFile(join(target, 'clean.bin'))).toEqual(binaryWith('nothing to see'))
  })

  it('finds a secret in a binary delta (a binary file edited), where git splits inserts', async () => {
    execFileSync('git', ['init', '-q'], { cwd: dir })
    const base = Buffer.concat([Buffer.from([0]), Buffer.alloc(4000, 'a')])
    await writeFile(join(dir, 'big.bin'), base)
    execFileSync('git', ['add', '-A'], { cwd: dir })
    execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-qm', 'base'], { cwd: dir })
    const long = `${KEY}${'k'.repeat(200)}`
    const edited = Buffer.concat([base.subarray(0, 2000), Buffer.from(long), base.subarray(2000)])
    const secret = { name: 'LONG_SECRET', value: long }
    await writeFile(join(dir, 'big.bin'), edited)
    const patch = execFileSync('git', ['diff', '--binary'], { cwd: dir }).toString()
    expect(patch).toContain('delta ')
    const { data } = redactData(patch, createRedactor(['LONG_SECRET'], { LONG_SECRET: secret.value }))
    expect(data).toContain(
      'evalbox withheld this binary change: it is binary and contains the value of LONG_SECRET',
    )
  })
})

describe('redactTree', () => {
  it('redacts text files, withholds binary files with secrets, renames and unlinks', async () => {
    await mkdir(join(dir, 'nested'))
    await writeFile(join(dir, 'report.txt'), `k=${KEY}\n`)
    await writeFile(join(dir, 'nested', 'blob.bin'), binaryWith(KEY))
    await writeFile(join(dir, 'nested', 'ok.bin'), binaryWith('fine'))
    await writeFile(join(dir, `named-${KEY}.txt`), 'x')
    await symlink(`/tmp/${KEY}`, join(dir, 'link'))
    const withheld = await redactTree(dir, redactor)
    expect((await readdir(dir, { recursive: true })).sort()).toEqual([
      'named-[REDACTED:ANTHROPIC_API_KEY].txt',
      'nested',
      'nested/blob.bin.withheld.txt',
      'nested/ok.bin',
      'report.txt',
    ])
    expect(await readFile(join(dir, 'report.txt'), 'utf8')).toBe('k=[REDACTED:ANTHROPIC_API_KEY]\n')
    expect(await readFile(join(dir, 'nested', 'blob.bin.withheld.txt'), 'utf8')).toMatch(
      /^evalbox withheld this file: it is binary and contains the value of ANTHROPIC_API_KEY\./,
    )
    expect(withheld.map((file) => file.path.slice(dir.length + 1)).sort()).toEqual([
      'link',
      'nested/blob.bin',
    ])
  })
})
