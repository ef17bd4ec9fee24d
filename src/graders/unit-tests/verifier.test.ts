import { execFileSync } from 'node:child_process'
import { readFile, unlink, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, test } from 'vitest'
import { harvestPatch, prepareWorkspaceBaseline } from '../../agents/harvest.ts'
import { createLocalSandbox } from '../../sandbox/local/local-sandbox.ts'
import { applyAgentPatch } from './verifier.ts'
import { AGENT, agentWork, BINARY, cleanDirs, FIXTURE, listing, makeDir } from './verifier-cases.ts'

afterEach(cleanDirs)

describe('applyAgentPatch (on the host, no git in the verifier)', () => {
  test('the harvested patch lands byte for byte: edits, binaries, modes, links, deletions', async () => {
    const fixture = await makeDir(FIXTURE)
    const { diff, expected } = await agentWork(fixture)
    await using verifier = await createLocalSandbox({ workspace: fixture, label: 'verifier' })
    await applyAgentPatch(verifier, diff)
    expect(await listing(verifier)).toBe(expected)
    expect(await listing(verifier)).toContain('becomes-dir/inside é.txt f 644')
    expect(await listing(verifier)).not.toContain('docs')
    expect(
      Buffer.compare(
        await verifier.readFile('assets/logo.bin'),
        Buffer.from(AGENT['assets/logo.bin'] as Buffer),
      ),
    ).toBe(0)
    expect((await verifier.readFile('src/crlf.txt')).toString()).toBe('one\r\nTWO\r\nthree')
  })

  test("git's own patch applies too: delta binary hunks and abbreviated ids", async () => {
    const fixture = await makeDir({ 'big.bin': BINARY, 'a.txt': 'a\n' })
    const repo = await makeDir({})
    const git = (...args: string[]) =>
      execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], {
        cwd: repo,
        encoding: 'utf8',
      })
    execFileSync('cp', ['-a', `${fixture}/.`, repo])
    git('init', '-q')
    git('add', '-A')
    git('commit', '-qm', 'base')
    const changed = Buffer.from(BINARY)
    changed[10] = 1
    await writeFile(join(repo, 'big.bin'), changed)
    await writeFile(join(repo, 'a.txt'), 'b\n')
    const diff = git('diff', '--binary')
    expect(diff).toMatch(/^delta \d+$/m)
    await using verifier = await createLocalSandbox({ workspace: fixture, label: 'verifier' })
    await applyAgentPatch(verifier, diff)
    expect(Buffer.compare(await verifier.readFile('big.bin'), changed)).toBe(0)
    expect((await verifier.readFile('a.txt')).toString()).toBe('b\n')
  })

  test('only the files `take` accepts are applied; the others keep the fixture’s version', async () => {
    const fixture = await makeDir(FIXTURE)
    const { diff } = await agentWork(fixture)
    await using verifier = await createLocalSandbox({ workspace: fixture, label: 'verifier' })
    await applyAgentPatch(verifier, diff, (path) => path === 'src/calc.js')
    expect((await verifier.readFile('src/calc.js')).toString()).toContain('a - b')
    expect((await verifier.readFile('docs/old/only.md')).toString()).toBe('gone soon\n')
    expect(await listing(verifier)).not.toContain('assets/new.bin')
  })

  test('a patch that does not apply is an error naming the file; nothing is written', async () => {
    const fixture = await makeDir(FIXTURE)
    const { diff } = await agentWork(fixture)
    await using verifier = await createLocalSandbox({ workspace: fixture, label: 'verifier' })
    await verifier.writeFile('src/calc.js', 'changed since\n')
    const before = await listing(verifier)
    await expect(applyAgentPatch(verifier, diff)).rejects.toThrow(
      /could not apply the agent's patch .*src\/calc\.js: differs from the file the patch was made from.*Did the fixture change/,
    )
    expect(await listing(verifier)).toBe(before)
    const stale = diff.replace(/^index [0-9a-f]+\.\.[0-9a-f]+ 100644\n(?=--- a\/src\/calc\.js)/m, '')
    await verifier.writeFile('src/calc.js', 'export const sub = 1\n')
    await expect(applyAgentPatch(verifier, stale)).rejects.toThrow(/src\/calc\.js: a hunk does not apply/)
  })

  test('a path under a link is refused, and nothing is written through it', async () => {
    const outside = await makeDir({ 'victim.txt': 'keep me\n' })
    const fixture = await makeDir({ 'a.txt': 'a\n' })
    await using agent = await createLocalSandbox({ workspace: fixture, label: 'agent' })
    await prepareWorkspaceBaseline(agent)
    await agent.writeFile('lib/victim.txt', 'overwritten\n')
    const { patch } = await harvestPatch(agent)
    await using verifier = await createLocalSandbox({ workspace: fixture, label: 'verifier' })
    await verifier.exec(['ln', '-s', outside, 'lib'])
    await expect(applyAgentPatch(verifier, patch)).rejects.toThrow(
      /lib\/victim\.txt lies beyond a symbolic link or a file \(lib\)/,
    )
    expect(await readFile(join(outside, 'victim.txt'), 'utf8')).toBe('keep me\n')
    await unlink(join(verifier.workdir, 'lib'))
  })
})
