import { execFileSync } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import { createDockerSandbox } from '../../sandbox/docker/docker-sandbox.ts'
import { dockerAvailable, TEST_IMAGE } from '../../sandbox/docker/test-support.ts'
import { command } from '../command.ts'
import { NODE_PROJECT } from './live-cases.ts'
import { agentPatch, verifierContext } from './test-support.ts'
import { unitTests } from './unit-tests.ts'
import { applyAgentPatch } from './verifier.ts'
import { agentWork, cleanDirs, FIXTURE, listing, makeDir } from './verifier-cases.ts'

const docker = await dockerAvailable()
// The base image with git purged: a slim verifier image, as many projects' are.
const NO_GIT = `evalbox-test-nogit-verifier:${randomUUID().slice(0, 8)}`

describe.skipIf(!docker.ok)('a docker verifier whose image has no git', () => {
  beforeAll(() => {
    const dockerfile = `FROM ${TEST_IMAGE}\nUSER root\nRUN dpkg --purge --force-all git && ! command -v git\n`
    execFileSync('docker', ['build', '-q', '-t', NO_GIT, '-'], {
      input: dockerfile,
      stdio: ['pipe', 'ignore', 'pipe'],
    })
  }, 300_000)
  afterAll(() => {
    execFileSync('docker', ['rmi', '-f', NO_GIT], { stdio: 'ignore' })
  })
  afterEach(cleanDirs)

  test('the patch lands byte for byte: edits, binaries, modes, links, deletions', async () => {
    const fixture = await makeDir(FIXTURE)
    const { diff, expected } = await agentWork(fixture)
    await using verifier = await createDockerSandbox({ image: NO_GIT, workspace: fixture })
    expect((await verifier.exec(['sh', '-c', 'command -v git'])).exitCode).not.toBe(0)
    await applyAgentPatch(verifier, diff)
    expect(await listing(verifier)).toBe(expected)
  })

  test('unitTests: a real fix passes with the runner’s counts, a non-fix fails', async () => {
    const grade = async (edits: Record<string, string>) => {
      const ctx = verifierContext(
        'docker',
        NODE_PROJECT.fixture,
        await agentPatch(NODE_PROJECT.fixture, edits),
        NO_GIT,
      )
      try {
        return await unitTests()(ctx)
      } finally {
        await Promise.all(ctx.opened.map((sandbox) => sandbox.dispose()))
      }
    }
    expect(await grade(NODE_PROJECT.fix as Record<string, string>)).toMatchObject({
      pass: true,
      metadata: { patch: 'applied', tampered: [], counts: { passed: 3, failed: 0, errors: 0 } },
    })
    const notFixed = await grade({ 'NOTES.md': 'I looked at it.\n' })
    expect(notFixed).toMatchObject({
      pass: false,
      metadata: { patch: 'applied', counts: { passed: 1, failed: 2 } },
    })
    expect(notFixed.score).not.toBeNull()
  })

  test('graders.command in a verifier takes the same patch, and the fixture’s tests decide', async () => {
    const cheat = { ...NODE_PROJECT.fix, [NODE_PROJECT.testFile]: NODE_PROJECT.weakenedTests }
    const ctx = verifierContext(
      'docker',
      NODE_PROJECT.fixture,
      await agentPatch(NODE_PROJECT.fixture, cheat),
      NO_GIT,
    )
    try {
      const grade = await command('node --test', { in: 'verifier' })(ctx)
      expect(grade).toMatchObject({
        pass: true,
        metadata: { in: 'verifier', patch: 'applied', tampered: [NODE_PROJECT.testFile] },
      })
    } finally {
      await Promise.all(ctx.opened.map((sandbox) => sandbox.dispose()))
    }
  })
})
