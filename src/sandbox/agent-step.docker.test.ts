import { readdir, readFile } from 'node:fs/promises'
import { describe, expect, test } from 'vitest'
import { SandboxUnavailableError } from '../core/errors.ts'
import { beginAgentStep } from './agent-step.ts'
import { createDockerSandbox } from './docker/docker-sandbox.ts'
import { dockerAvailable, TEST_IMAGE } from './docker/test-support.ts'
import { createLocalSandbox } from './local/local-sandbox.ts'
import type { Sandbox } from './types.ts'

const docker = await dockerAvailable()

// Daemons of every kind an agent could leave: plain background, cleared environment
// (loses the exec marker), new session, both (local cannot see that one), and one that
// ignores SIGTERM.
const DAEMONS = [
  "sleep 4101 & env -i sh -c 'sleep 4102 &'",
  "setsid sh -c 'sleep 4103 &'",
  "(trap '' TERM; exec sleep 4104) &",
].join('\n')
const BOTH = "setsid env -i sh -c 'sleep 4105 &'"

/** The `sleep 41xx` processes running in the sandbox (in the container, or on this host). */
async function sleepers(sandbox: Sandbox): Promise<string[]> {
  if (sandbox.provider === 'docker') {
    const script = 'for f in /proc/[0-9]*/cmdline; do tr "\\0" " " 2>/dev/null <"$f"; echo; done'
    const { stdout } = await sandbox.exec(['sh', '-c', script])
    return stdout
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => /^sleep 41\d\d/.test(line))
  }
  const found: string[] = []
  for (const pid of (await readdir('/proc')).filter((name) => /^\d+$/.test(name))) {
    const cmdline = (await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).replaceAll('\0', ' ')
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '')
    if (/^sleep 41\d\d/.test(cmdline) && !/\) Z /.test(stat)) found.push(cmdline.trim())
  }
  return found
}

/** Polls until `count` sleepers run (a forked daemon takes a moment to exec `sleep`). */
async function started(sandbox: Sandbox, count: number): Promise<void> {
  let found: string[] = []
  for (let i = 0; i < 100; i++) {
    found = await sleepers(sandbox)
    if (found.length >= count) return
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  throw new Error(`expected ${count} sleepers, found ${found.join(', ')}`)
}

const providers: [string, boolean, () => Promise<Sandbox>][] = [
  [
    'docker',
    docker.ok,
    () => createDockerSandbox({ image: TEST_IMAGE, labels: { 'evalbox.run': 'agent-step-test' } }),
  ],
  ['local', process.platform === 'linux', () => createLocalSandbox()],
]

describe.each(providers)('agent step in the %s sandbox', (provider, available, make) => {
  test.skipIf(!available)(
    'daemons of the agent are gone when the step ends; what the body started before stays',
    async () => {
      await using sandbox = await make()
      await sandbox.exec(['sh', '-c', 'sleep 4100 & exit 0'])
      await started(sandbox, 1)
      const step = await beginAgentStep(sandbox, { keepEarlier: true })
      await step.sandbox.exec(['sh', '-c', `${DAEMONS}\n${BOTH}\nexit 0`])
      await started(sandbox, 6)
      await step.end()
      const left = await sleepers(sandbox)
      expect(left).toContain('sleep 4100')
      // The local sandbox cannot tell a process that left its group and cleared its
      // environment from any other process of the user (documented); Docker can.
      expect(left.sort()).toEqual(provider === 'docker' ? ['sleep 4100'] : ['sleep 4100', 'sleep 4105'])
      if (provider === 'local') process.kill(Number((await pidOf('sleep 4105'))!), 'SIGKILL')
    },
  )

  test.skipIf(!available)(
    'a command still running when the step ends (the agent timed out) is stopped with its daemons',
    async () => {
      await using sandbox = await make()
      const step = await beginAgentStep(sandbox, { keepEarlier: false })
      const running = step.sandbox.exec(['sh', '-c', `${DAEMONS}\nsleep 4106`])
      await started(sandbox, 5)
      await step.end()
      const result = await running
      expect(result.exitCode).not.toBe(0)
      expect(await sleepers(sandbox)).toEqual([])
      // An agent that ignored its abort signal can start nothing more.
      await expect(step.sandbox.exec(['sh', '-c', 'sleep 4107 &'])).rejects.toBeInstanceOf(
        SandboxUnavailableError,
      )
      await expect(step.sandbox.writeFile('late.txt', 'x')).rejects.toBeInstanceOf(SandboxUnavailableError)
      expect((await sandbox.exec(['echo', 'graders still work'])).stdout).toBe('graders still work\n')
    },
  )
})

async function pidOf(command: string): Promise<string | undefined> {
  for (const pid of (await readdir('/proc')).filter((name) => /^\d+$/.test(name))) {
    const cmdline = (await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).replaceAll('\0', ' ')
    if (cmdline.trim() === command) return pid
  }
  return undefined
}
