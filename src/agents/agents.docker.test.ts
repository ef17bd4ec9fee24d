import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { createDockerSandbox } from '../sandbox/docker/docker-sandbox.ts'
import { dockerAvailable, TEST_IMAGE } from '../sandbox/docker/test-support.ts'
import { claudeCode } from './claude-code.ts'
import { cliAgent } from './cli-agent.ts'
import { harvestPatch, prepareWorkspaceBaseline } from './harvest.ts'
import { scripted } from './scripted-agent.ts'
import { recordingContext } from './test-support.ts'

const docker = await dockerAvailable()

// Replays a recorded Claude Code transcript after noting how it was called.
const FAKE_CLAUDE = `const fs = require('fs')
let stdin = ''
process.stdin.on('data', (d) => { stdin += d })
process.stdin.on('end', () => {
  process.stderr.write(JSON.stringify({ argv: process.argv.slice(2), stdin, sandbox: process.env.IS_SANDBOX ?? null }) + '\\n')
  process.stdout.write(fs.readFileSync('/tmp/fake/transcript.ndjson'))
})
`

describe.skipIf(!docker.ok)('agents in a docker sandbox', () => {
  let host: string
  beforeAll(async () => {
    host = await mkdtemp(join(tmpdir(), 'evalbox-agents-docker-'))
    await mkdir(join(host, 'fixture/src'), { recursive: true })
    await writeFile(join(host, 'fixture/src/page.js'), 'const end = start + size - 1\n')
    await writeFile(join(host, 'fixture/old.txt'), 'old\n')
  })
  afterAll(async () => {
    await rm(host, { recursive: true, force: true })
  })

  test('scripted run, then a harvest with new, edited, deleted and binary files', async () => {
    await using sandbox = await createDockerSandbox({ image: TEST_IMAGE, workspace: join(host, 'fixture') })
    await prepareWorkspaceBaseline(sandbox)
    const result = await scripted([
      { edit: 'src/page.js', find: ' - 1', replace: '' },
      { run: 'rm old.txt && printf "\\000\\001\\002" > data.bin', expectExit: 0 },
      { write: 'notes/new.md', content: '# new\n' },
      { finish: 'done' },
    ]).run(recordingContext(sandbox))
    expect(result.exitReason).toBe('success')
    const { files, patch } = await harvestPatch(sandbox)
    expect(files).toEqual(['data.bin', 'notes/new.md', 'old.txt', 'src/page.js'])
    expect(patch).toContain('+const end = start + size\n')
    expect(patch).toContain('GIT binary patch')
  })

  test('a non-root user with a read-only root: prompt file, harvest and the Claude Code preset', async () => {
    await using sandbox = await createDockerSandbox({
      image: TEST_IMAGE,
      workspace: join(host, 'fixture'),
      user: '1000:1000',
      readOnlyRoot: true,
    })
    await prepareWorkspaceBaseline(sandbox)
    const viaFile = await cliAgent({
      command: ['sh', '-c', 'cat "$1" > from-prompt.txt; echo "$1"', 'sh', '{promptFile}'],
    }).run(recordingContext(sandbox, { prompt: 'prompt text' }))
    expect(viaFile.exitReason).toBe('success')
    expect(viaFile.output.startsWith(`${sandbox.workdir}/`)).toBe(false)
    expect((await sandbox.readFile('from-prompt.txt')).toString()).toBe('prompt text')

    // The read-only root leaves /tmp writable (but mounted noexec), so the fake `claude`
    // is a script run by node there.
    const transcript = await readFile(
      new URL('../transcript/__fixtures__/success-tools.ndjson', import.meta.url),
    )
    await sandbox.exec(['sh', '-c', 'mkdir -p /tmp/fake && cat > /tmp/fake/transcript.ndjson'], {
      stdin: transcript,
    })
    expect(
      (await sandbox.exec(['sh', '-c', 'cat > /tmp/fake/claude.js'], { stdin: FAKE_CLAUDE })).exitCode,
    ).toBe(0)
    const agent = claudeCode({ command: ['node', '/tmp/fake/claude.js'], maxTurns: 10 })
    const ctx = recordingContext(sandbox, { prompt: 'Fix it.' })
    const result = await agent.run(ctx)
    expect(result.exitReason).toBe('success')
    expect(result.metrics).toMatchObject({ turns: 7, lastToolCall: 'Write(review.md)' })
    expect(ctx.logText()).toContain('"stdin":"Fix it."')
    expect(ctx.logText()).toContain('"sandbox":"1"')

    const { files } = await harvestPatch(sandbox)
    expect(files).toEqual(['from-prompt.txt'])
  })
})
