import { mkdir, mkdtemp, readdir, readFile, readlink, realpath, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { EvalboxError, SandboxUnavailableError } from '../core/errors.ts'
import type { Sandbox } from '../sandbox/types.ts'

/** Makes a fresh sandbox for the contract suite; `workspace` is a host folder to copy in. */
export type SandboxFactory = (opts: { workspace?: string }) => Promise<Sandbox>

const sh = (script: string) => ['sh', '-c', script]

/**
 * Registers the behaviour every sandbox provider must have, as one Vitest `describe`
 * block. Commands use only POSIX sh and coreutils/procps, so any image with those passes.
 */
export function describeSandboxContract(name: string, factory: SandboxFactory): void {
  describe(`sandbox contract: ${name}`, () => {
    let host: string
    let sandbox: Sandbox
    beforeAll(async () => {
      host = await mkdtemp(join(tmpdir(), 'evalbox-contract-'))
      const fixture = join(host, 'fixture')
      await mkdir(join(fixture, 'nested/deep'), { recursive: true })
      await writeFile(join(fixture, 'README.md'), 'fixture readme\n')
      await writeFile(join(fixture, 'nested/deep/file.txt'), 'deep\n')
      await writeFile(join(fixture, 'run.sh'), '#!/bin/sh\necho ran "$@"\n', { mode: 0o755 })
      sandbox = await factory({ workspace: fixture })
    })
    afterAll(async () => {
      await sandbox?.dispose()
      if (host) await rm(host, { recursive: true, force: true })
    })

    test('describes itself', () => {
      expect(sandbox.id).toMatch(/\S/)
      expect(sandbox.provider).toMatch(/\S/)
      expect(sandbox.workdir.startsWith('/')).toBe(true)
      expect(sandbox.outputDir.startsWith('/')).toBe(true)
    })

    test('keeps stdout and stderr apart and reports the exit code', async () => {
      const result = await sandbox.exec(sh('echo out; echo err >&2; exit 3'))
      expect(result).toMatchObject({ exitCode: 3, signal: null, stdout: 'out\n', stderr: 'err\n' })
      expect(result).toMatchObject({ timedOut: false, canceled: false, truncated: false, oomKilled: false })
      expect(result.durationMs).toBeGreaterThanOrEqual(0)
      expect(await sandbox.exec(['true'])).toMatchObject({ exitCode: 0, stdout: '', stderr: '' })
    })

    test('feeds stdin and closes it; without stdin the command reads end-of-file', async () => {
      const fed = await sandbox.exec(sh('cat; echo "<eof>"'), { stdin: 'hello\nworld' })
      expect(fed.stdout).toBe('hello\nworld<eof>\n')
      const bytes = await sandbox.exec(['wc', '-c'], { stdin: new Uint8Array(3000).fill(7) })
      expect(bytes.stdout.trim()).toBe('3000')
      expect((await sandbox.exec(['cat'])).stdout).toBe('')
    })

    test('a command that cannot start is a result with exit code 127', async () => {
      const result = await sandbox.exec(['evalbox-no-such-command', '--flag'])
      expect(result.exitCode).toBe(127)
      expect(result.stderr).toContain('evalbox-no-such-command')
    })

    test('runs in the workdir by default, and in cwd relative to it or absolute', async () => {
      expect((await sandbox.exec(['pwd'])).stdout).toBe(`${sandbox.workdir}\n`)
      await sandbox.exec(['mkdir', '-p', 'sub/dir'])
      expect((await sandbox.exec(['pwd'], { cwd: 'sub/dir' })).stdout).toBe(`${sandbox.workdir}/sub/dir\n`)
      expect((await sandbox.exec(['pwd'], { cwd: sandbox.outputDir })).stdout).toBe(`${sandbox.outputDir}\n`)
    })

    test('passes the given env and never the host environment', async () => {
      const key = `EVALBOX_CONTRACT_HOST_${process.pid}_${Date.now()}`
      process.env[key] = 'host-secret-value'
      try {
        const result = await sandbox.exec(['env'], { env: { EVALBOX_GIVEN: 'given-value' } })
        expect(result.stdout).toContain('EVALBOX_GIVEN=given-value')
        expect(result.stdout).not.toContain(key)
        expect(result.stdout).not.toContain('host-secret-value')
      } finally {
        delete process.env[key]
      }
    })

    test('has the workspace fixture in the workdir, modes included', async () => {
      expect((await sandbox.readFile('README.md')).toString()).toBe('fixture readme\n')
      expect((await sandbox.exec(['cat', 'nested/deep/file.txt'])).stdout).toBe('deep\n')
      expect(await sandbox.exec(['./run.sh', 'ok'])).toMatchObject({ exitCode: 0, stdout: 'ran ok\n' })
    })

    test('has an output folder that is $EVALBOX_OUTPUT_DIR and writable', async () => {
      const result = await sandbox.exec(
        sh(
          'test -d "$EVALBOX_OUTPUT_DIR" && touch "$EVALBOX_OUTPUT_DIR/w" && printf %s "$EVALBOX_OUTPUT_DIR"',
        ),
      )
      expect(result).toMatchObject({ exitCode: 0, stdout: sandbox.outputDir })
    })

    test('a timeout kills the whole process tree', { timeout: 30_000 }, async () => {
      const script = 'while :; do echo x >> tick.log; sleep 0.05; done & echo $! > tick.pid; sleep 30'
      const result = await sandbox.exec(sh(script), { timeoutMs: 1_000 })
      expect(result).toMatchObject({ timedOut: true, canceled: false, exitCode: null })
      expect(result.signal).toMatch(/^SIG(TERM|KILL)$/)
      const check = await sandbox.exec(
        sh(
          'a=$(wc -c < tick.log); sleep 0.3; b=$(wc -c < tick.log); echo "$a $b"; ps -o stat= -p "$(cat tick.pid)"',
        ),
      )
      const [before, after, state] = check.stdout.trim().split(/\s+/)
      expect(Number(before)).toBeGreaterThan(0)
      expect(after).toBe(before)
      // The loop is gone, or a zombie waiting for its parent to reap it.
      expect(state === undefined || state.startsWith('Z')).toBe(true)
    })

    test('aborting the signal cancels the command; an aborted signal runs nothing', {
      timeout: 30_000,
    }, async () => {
      const controller = new AbortController()
      setTimeout(() => controller.abort(), 300)
      const result = await sandbox.exec(['sleep', '30'], { signal: controller.signal })
      expect(result).toMatchObject({ canceled: true, timedOut: false, exitCode: null })
      const skipped = await sandbox.exec(['touch', 'aborted.txt'], { signal: AbortSignal.abort() })
      expect(skipped.canceled).toBe(true)
      expect((await sandbox.exec(['test', '-e', 'aborted.txt'])).exitCode).toBe(1)
    })

    test('caps each stream at maxOutputBytes while onOutput sees every byte', async () => {
      const seen = { stdout: 0, stderr: 0 }
      const result = await sandbox.exec(sh('head -c 200000 /dev/zero | tr "\\0" a; echo small >&2'), {
        maxOutputBytes: 1000,
        onOutput: (chunk, stream) => {
          seen[stream] += chunk.length
        },
      })
      expect(result.stdout).toBe('a'.repeat(1000))
      expect(result.stderr).toBe('small\n')
      expect(result.truncated).toBe(true)
      expect(seen).toEqual({ stdout: 200000, stderr: 6 })
    })

    test('writes and reads binary files, creating parent folders', async () => {
      const data = Buffer.from(Array.from({ length: 512 }, (_, i) => i % 256))
      await sandbox.writeFile('bin/deeper/data.bin', data)
      expect(Buffer.compare(await sandbox.readFile('bin/deeper/data.bin'), data)).toBe(0)
      expect((await sandbox.exec(['wc', '-c', `${sandbox.workdir}/bin/deeper/data.bin`])).stdout).toMatch(
        /^512 /,
      )
      await sandbox.writeFile(`${sandbox.outputDir}/note.txt`, 'text ✓')
      expect((await sandbox.readFile(`${sandbox.outputDir}/note.txt`)).toString()).toBe('text ✓')
      await expect(sandbox.readFile('missing/file.txt')).rejects.toMatchObject({ code: 'ENOENT' })
    })

    test('copies a host file and a host folder in; folders merge', async () => {
      const src = join(host, 'in')
      await mkdir(join(src, 'tree/inner'), { recursive: true })
      await writeFile(join(src, 'one.txt'), 'one\n')
      await writeFile(join(src, 'tree/inner/two.txt'), 'two\n')
      await sandbox.copyIn(join(src, 'one.txt'), 'copied/one.txt')
      await sandbox.copyIn(join(src, 'tree'), 'copied/tree')
      await sandbox.exec(sh('echo kept > copied/tree/kept.txt'))
      await sandbox.copyIn(join(src, 'tree'), 'copied/tree')
      const result = await sandbox.exec(
        sh('cat copied/one.txt copied/tree/inner/two.txt copied/tree/kept.txt'),
      )
      expect(result.stdout).toBe('one\ntwo\nkept\n')
    })

    test('copies a folder out, with links that stay inside it', async () => {
      await sandbox.exec(
        sh('mkdir -p out/a && echo 1 > out/a/x && ln -s a/x out/rel && ln -s "$PWD/out/a" out/abs'),
      )
      const target = join(host, 'copied-out')
      await sandbox.copyOut('out', target)
      expect(await readFile(join(target, 'a/x'), 'utf8')).toBe('1\n')
      expect(await readFile(join(target, 'rel'), 'utf8')).toBe('1\n')
      expect(await readFile(join(target, 'abs/x'), 'utf8')).toBe('1\n')
      expect((await realpath(join(target, 'abs'))).startsWith(await realpath(target))).toBe(true)
      await sandbox.exec(sh('echo report > "$EVALBOX_OUTPUT_DIR/report.txt"'))
      await sandbox.copyOut(sandbox.outputDir, join(host, 'outputs'))
      expect(await readFile(join(host, 'outputs/report.txt'), 'utf8')).toBe('report\n')
    })

    test('copyOut rejects links that point outside the copied folder', async () => {
      await sandbox.exec(sh('mkdir -p evil/sub && echo ok > evil/fine && ln -s /etc/passwd evil/sub/passwd'))
      await sandbox.exec(sh('mkdir -p evil2 && ln -s ../../.. evil2/up'))
      for (const [source, entry] of [
        ['evil', 'passwd'],
        ['evil2', 'up'],
      ] as const) {
        const target = join(host, `rejected-${source}`)
        const error = await sandbox.copyOut(source, target).catch((e: unknown) => e)
        expect(error).toBeInstanceOf(EvalboxError)
        expect(error).toMatchObject({ code: 'SANDBOX_PATH_ESCAPE', message: expect.stringContaining(entry) })
        expect(await readdir(target).catch(() => [])).toEqual([])
      }
      expect(await readlink(join(host, 'copied-out/rel'))).toBe('a/x')
    })

    test('a background process does not hold exec open', { timeout: 15_000 }, async () => {
      const result = await sandbox.exec(sh('sleep 30 & echo hi'))
      expect(result).toMatchObject({ exitCode: 0, stdout: 'hi\n', timedOut: false })
    })

    test('dispose is idempotent and later calls throw SandboxUnavailableError', async () => {
      const own = await factory({})
      await own[Symbol.asyncDispose]()
      await own.dispose()
      await expect(own.exec(['true'])).rejects.toBeInstanceOf(SandboxUnavailableError)
      await expect(own.readFile('x')).rejects.toBeInstanceOf(SandboxUnavailableError)
      await expect(own.writeFile('x', 'y')).rejects.toBeInstanceOf(SandboxUnavailableError)
    })
  })
}
