import { existsSync, readFileSync } from 'node:fs'
import { mkdtemp, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { EvalboxError } from '../../core/errors.ts'
import { createLocalSandbox } from './local-sandbox.ts'

/** Whether `pid` runs: it exists and is not a zombie waiting to be reaped. */
function running(pid: number): boolean {
  try {
    process.kill(pid, 0)
  } catch {
    return false
  }
  const stat = existsSync(`/proc/${pid}/stat`) ? readFileSync(`/proc/${pid}/stat`, 'utf8') : ''
  return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z'
}

describe('local sandbox', () => {
  let host: string
  beforeAll(async () => {
    host = await mkdtemp(join(tmpdir(), 'evalbox-local-'))
  })
  afterAll(async () => {
    await rm(host, { recursive: true, force: true })
  })

  test('lays out workspace, output and home under one temp dir, removed by dispose', async () => {
    const sandbox = await createLocalSandbox({ label: 'my case/1', env: { FIXED: 'yes' } })
    const root = dirname(sandbox.workdir)
    expect(sandbox.provider).toBe('local')
    expect(sandbox.id).toMatch(/^evalbox-my-case-1-/)
    expect(sandbox.outputDir).toBe(join(root, 'output'))
    const env = await sandbox.exec(['env'])
    expect(env.stdout).toContain(`HOME=${join(root, 'home')}\n`)
    expect(env.stdout).toContain('FIXED=yes\n')
    expect((await sandbox.exec(['env'], { env: { FIXED: 'no' } })).stdout).toContain('FIXED=no\n')
    await sandbox.dispose()
    expect(existsSync(root)).toBe(false)
  })

  test('dispose kills background processes started by any exec', { timeout: 15_000 }, async () => {
    const sandbox = await createLocalSandbox({})
    const first = await sandbox.exec(['sh', '-c', 'sleep 30 >/dev/null 2>&1 & echo $!'])
    const second = await sandbox.exec(['sh', '-c', 'sleep 30 & echo $!'])
    const pids = [first, second].map((r) => Number(r.stdout.trim()))
    expect(pids.map(running)).toEqual([true, true])
    await sandbox.dispose()
    expect(pids.map(running)).toEqual([false, false])
  })

  // The marker in /proc/<pid>/environ finds what left the process group; macOS has no /proc.
  const linux = process.platform === 'linux'
  const daemon = `setsid sh -c 'echo $$ > "$0"; exec sleep 30' daemon.pid &`

  test.skipIf(!linux)(
    'dispose kills a daemon that left its process group with setsid',
    {
      timeout: 15_000,
    },
    async () => {
      const sandbox = await createLocalSandbox({})
      await sandbox.exec(['sh', '-c', `${daemon} sleep 0.2`])
      const pid = Number((await sandbox.readFile('daemon.pid')).toString().trim())
      expect(running(pid)).toBe(true)
      await sandbox.dispose()
      expect(running(pid)).toBe(false)
    },
  )

  test.skipIf(!linux)(
    "a timeout stops the command's setsid daemons too, and nothing else",
    {
      timeout: 15_000,
    },
    async () => {
      await using sandbox = await createLocalSandbox({})
      const bystander = await sandbox.exec([
        'sh',
        '-c',
        `${daemon.replace('daemon.pid', 'bystander.pid')} sleep 0.2`,
      ])
      expect(bystander.exitCode).toBe(0)
      const result = await sandbox.exec(['sh', '-c', `${daemon} sleep 30`], { timeoutMs: 500 })
      expect(result.timedOut).toBe(true)
      const pid = Number((await sandbox.readFile('daemon.pid')).toString().trim())
      const other = Number((await sandbox.readFile('bystander.pid')).toString().trim())
      expect(running(pid)).toBe(false)
      // The other exec's daemon lives until the sandbox goes.
      expect(running(other)).toBe(true)
    },
  )

  test('a timed-out command that ignores SIGTERM is killed after the grace period', {
    timeout: 15_000,
  }, async () => {
    await using sandbox = await createLocalSandbox({})
    const result = await sandbox.exec(['sh', '-c', 'trap "" TERM; echo $$; while :; do sleep 0.1; done'], {
      timeoutMs: 300,
    })
    expect(result).toMatchObject({ timedOut: true, exitCode: null, signal: 'SIGKILL' })
    expect(running(Number(result.stdout.trim()))).toBe(false)
  })

  test('rejects a workspace that is not a folder, naming it', async () => {
    const file = join(host, 'not-a-folder.txt')
    await writeFile(file, 'x')
    await expect(createLocalSandbox({ workspace: file })).rejects.toThrow(EvalboxError)
    await expect(createLocalSandbox({ workspace: join(host, 'nope') })).rejects.toThrow(
      /nope.*does not exist/,
    )
  })

  test('rejects bad exec options with the value in the message', async () => {
    await using sandbox = await createLocalSandbox({})
    await expect(sandbox.exec([])).rejects.toThrow(/non-empty array/)
    await expect(sandbox.exec(['true'], { timeoutMs: -5 })).rejects.toThrow('`-5` (number)')
  })

  test('copyOut refuses a symbolic link as the source itself', async () => {
    await using sandbox = await createLocalSandbox({})
    await symlink('/etc', join(sandbox.workdir, 'etc-link'))
    await expect(sandbox.copyOut('etc-link', join(host, 'x'))).rejects.toThrow(/symbolic link/)
  })
})
