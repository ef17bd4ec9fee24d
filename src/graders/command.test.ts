import { describe, expect, test } from 'vitest'
import { harvestPatch, prepareWorkspaceBaseline } from '../agents/harvest.ts'
import { createLocalSandbox } from '../sandbox/local/local-sandbox.ts'
import type { Sandbox } from '../sandbox/types.ts'
import { command, isTestCommand } from './command.ts'
import { graderContext } from './test-support.ts'
import type { GraderContext } from './types.ts'
import { NODE_PROJECT } from './unit-tests/live-cases.ts'
import type { Edits } from './unit-tests/test-support.ts'

/**
 * A finished case: an agent made `edits` in its own local sandbox (and `extra` there,
 * outside what the harvest keeps), the real harvest made the patch, and the context opens
 * real local verifiers from the fixture.
 */
async function finishedCase(
  edits: Edits,
  extra?: (sandbox: Sandbox) => Promise<void>,
): Promise<GraderContext & AsyncDisposable> {
  const fixture = NODE_PROJECT.fixture
  const agentSandbox = await createLocalSandbox({ workspace: fixture, label: 'agent' })
  await prepareWorkspaceBaseline(agentSandbox)
  for (const [path, content] of Object.entries(edits)) {
    if (content === null) await agentSandbox.exec(['rm', '-f', '--', path])
    else await agentSandbox.writeFile(path, content)
  }
  await extra?.(agentSandbox)
  const { patch, files } = await harvestPatch(agentSandbox)
  const opened: Sandbox[] = [agentSandbox]
  const ctx = graderContext('', {
    sandbox: agentSandbox,
    agent: { output: 'done', exitReason: 'success' },
    workspace: fixture,
    patch: { diff: patch, files },
    openSandbox: async () => {
      const verifier = await createLocalSandbox({ workspace: fixture, label: 'verifier' })
      opened.push(verifier)
      return verifier
    },
  })
  return Object.assign(ctx, {
    [Symbol.asyncDispose]: async () => {
      await Promise.all(opened.map((sandbox) => sandbox.dispose()))
    },
  })
}

describe('graders.command', () => {
  test('a test command runs in a verifier by default: edited tests are restored, the fix decides', async () => {
    await using cheat = await finishedCase({ [NODE_PROJECT.testFile]: NODE_PROJECT.weakenedTests })
    // In the agent's own sandbox the weakened tests pass: the attack works there.
    const trusting = await command('node --test', { in: 'agent-sandbox' })(cheat)
    expect(trusting).toMatchObject({ pass: true, metadata: { in: 'agent-sandbox' } })
    const graded = await command('node --test')(cheat)
    expect(graded).toMatchObject({
      pass: false,
      metadata: { in: 'verifier', patch: 'applied', tampered: [NODE_PROJECT.testFile], exitCode: 1 },
    })
    expect(graded.explanation).toContain(
      `test and runner files the agent changed were restored from the fixture: ${NODE_PROJECT.testFile} (modified)`,
    )

    await using fixed = await finishedCase(NODE_PROJECT.fix)
    const good = await command('node --test')(fixed)
    expect(good).toMatchObject({ pass: true, metadata: { in: 'verifier', tampered: [] } })
    expect(good.explanation).toBe(
      "`node --test` exited with 0; ran in a verifier (the agent's patch on a clean copy of the fixture)",
    )
  }, 60_000)

  test('npm test in a verifier runs the fixture’s package.json script, not the agent’s', async () => {
    const pkg = JSON.stringify({ name: 'node-calc', type: 'module', scripts: { test: 'exit 0' } })
    await using cheat = await finishedCase({ 'package.json': pkg })
    expect(await command('npm test', { in: 'agent-sandbox' })(cheat)).toMatchObject({ pass: true })
    const graded = await command('npm test')(cheat)
    expect(graded).toMatchObject({ pass: false, metadata: { in: 'verifier', tampered: ['package.json'] } })
  }, 60_000)

  test('what the agent left outside its patch is not in the verifier', async () => {
    // A process-wide switch the agent leaves behind in its sandbox (node_modules is not
    // harvested): the agent-sandbox run sees it, the verifier does not.
    await using cheat = await finishedCase({}, async (sandbox) => {
      await sandbox.writeFile('node_modules/.evalbox-marker', 'agent was here')
    })
    const check = 'test ! -e node_modules/.evalbox-marker'
    expect(await command(check, { in: 'agent-sandbox' })(cheat)).toMatchObject({ pass: false })
    // Not a test command, so `in` is given.
    const verified = await command(check, { in: 'verifier' })(cheat)
    expect(verified).toMatchObject({ pass: true, metadata: { in: 'verifier', patch: 'empty', exitCode: 0 } })
    expect(verified.explanation).toContain(
      'ran in a verifier on the clean fixture (the agent changed nothing)',
    )
  }, 60_000)

  test('a command that runs no test runner, or a case without an agent, stays in the case sandbox', async () => {
    await using done = await finishedCase(NODE_PROJECT.fix)
    expect((await command('test -f src/calc.js')(done)).metadata).toMatchObject({ in: 'agent-sandbox' })
    const task = Object.assign(Object.create(done), { agent: undefined })
    expect((await command('node --test')(task)).metadata).toMatchObject({ in: 'agent-sandbox' })
  }, 60_000)

  test('bad input: an unknown place, and a verifier without a fixture, are clear errors', async () => {
    // @ts-expect-error: not a place
    expect(() => command('true', { in: 'container' })).toThrow(
      'graders.command(): `in` must be "verifier" or "agent-sandbox", got `"container"` (string)',
    )
    await expect(command('node --test', { in: 'verifier' })(graderContext(''))).rejects.toThrow(
      /needs the case's workspace fixture.*or pass `in: 'agent-sandbox'`/,
    )
  })
})

describe('isTestCommand', () => {
  test.each([
    'pytest',
    'python3 -m pytest -q',
    'python -X dev -m unittest',
    'node --test',
    'node --experimental-vm-modules --test test/',
    'npm test',
    'npm run test',
    'pnpm t',
    'npx vitest run',
    'npx --no -- jest --ci',
    'go test ./...',
    'cargo test --no-fail-fast',
    './mvnw -B verify',
    'cd sub && go test ./...',
    'deno test',
  ])('%s runs tests', (label) => expect(isTestCommand(label)).toBe(true))

  test.each(['test -f dist/index.js', 'node build.js', 'npm run build', 'go vet ./...', 'cat pytest.ini'])(
    '%s does not',
    (label) => expect(isTestCommand(label)).toBe(false),
  )
})
