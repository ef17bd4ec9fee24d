import { spawnSync } from 'node:child_process'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { parseGroundTruth } from '../../graders/planted-bugs/ground-truth.ts'
import { plantBugs } from './plant-bugs.ts'

const fixture = fileURLToPath(new URL('../../../examples/planted-bugs/fixture', import.meta.url))

let out: string
beforeAll(async () => {
  out = await mkdtemp(join(tmpdir(), 'evalbox-plant-'))
})
afterAll(async () => {
  await rm(out, { recursive: true, force: true })
})

function testsFail(cwd: string, command: string[]): boolean {
  const run = spawnSync(command[0]!, command.slice(1), {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' },
  })
  return run.status !== 0
}

// Each case runs the fixture's tests a few times in real child processes.
describe('plantBugs', { timeout: 60_000 }, () => {
  test('writes single-bug cases whose tests fail, with valid ground truth, the same for a seed', async () => {
    const cases = await plantBugs(fixture, { out: join(out, 'a'), count: 3, seed: 7 })
    expect(cases).toHaveLength(3)
    expect(new Set(cases.map((c) => c.groundTruth.bugs[0]!.description.split(':')[0])).size).toBeGreaterThan(
      1,
    )
    for (const c of cases) {
      expect(testsFail(c.workspace, ['node', '--test'])).toBe(true)
      const truth = parseGroundTruth(JSON.parse(await readFile(c.groundTruthPath, 'utf8')))
      expect(truth).toEqual(c.groundTruth)
      const [bug] = truth.bugs
      expect(bug!.id).toBe(c.id)
      expect(truth).toMatchObject({ minimum_detection: 1, max_false_positives: 2 })
      expect(bug!.keywords.length).toBeGreaterThanOrEqual(2)
      const diff = await readFile(join(c.dir, 'bug.diff'), 'utf8')
      expect(diff).toContain(`+++ b/${bug!.file}`)
      // The cited line is where the change is (a removed guard: the line now in its place).
      const line = (await readFile(join(c.workspace, bug!.file), 'utf8')).split('\n')[bug!.lines[0] - 1]!
      const added = diff.split('\n').find((l) => l.startsWith('+') && !l.startsWith('+++'))
      if (added) expect(line).toBe(added.slice(1))
    }
    const again = await plantBugs(fixture, { out: join(out, 'b'), count: 3, seed: 7 })
    expect(again.map((c) => c.groundTruth)).toEqual(cases.map((c) => c.groundTruth))
  })

  test('plants several bugs in one workspace, each in its own function', async () => {
    const [c] = await plantBugs(fixture, { out: join(out, 'multi'), count: 1, bugsPerCase: 3, seed: 3 })
    expect(c!.id).toBe('planted-01')
    expect(c!.groundTruth.bugs).toHaveLength(3)
    expect(c!.groundTruth.minimum_detection).toBe(3)
    const places = c!.groundTruth.bugs.map((b) => b.description.replace(/^.* in /, ''))
    expect(new Set(places).size).toBe(3)
    expect(testsFail(c!.workspace, ['node', '--test'])).toBe(true)
  })

  test('plants bugs in Python with pytest', async () => {
    const py = join(out, 'py-fixture')
    await mkdir(join(py, 'tests'), { recursive: true })
    await writeFile(
      join(py, 'shop.py'),
      [
        'def total(prices, discount):',
        '    if prices is None:',
        '        return 0',
        '    # a comment with a < b and c',
        '    s = sum(p for p in prices if p > 0 and p < 1000)',
        '    return max(s - discount, 0)',
        '',
      ].join('\n'),
    )
    await writeFile(
      join(py, 'tests', 'test_shop.py'),
      [
        'from shop import total',
        '',
        'def test_total():',
        '    assert total([1, 2, 0, 5000], 1) == 2',
        '    assert total([10], 20) == 0',
        '    assert total(None, 0) == 0',
        '',
      ].join('\n'),
    )
    await writeFile(
      join(py, 'conftest.py'),
      'import sys, os\nsys.path.insert(0, os.path.dirname(__file__))\n',
    )
    const cases = await plantBugs(py, { out: join(out, 'py'), count: 3, seed: 1 })
    expect(cases.length).toBe(3)
    for (const c of cases) {
      expect(c.groundTruth.bugs[0]!.file).toBe('shop.py')
      expect(testsFail(c.workspace, ['python3', '-m', 'pytest', '-q', '-p', 'no:cacheprovider'])).toBe(true)
    }
    const text = await readFile(join(cases[0]!.workspace, 'shop.py'), 'utf8')
    expect(text).toContain('# a comment with a < b and c')
  })

  test('refuses a fixture whose tests already fail, and an out folder inside the fixture', async () => {
    const broken = join(out, 'broken')
    await mkdir(broken, { recursive: true })
    await writeFile(join(broken, 'a.js'), 'export const one = () => 1\n')
    await writeFile(
      join(broken, 'a.test.js'),
      "import { test } from 'node:test'\nimport assert from 'node:assert'\ntest('x', () => assert.equal(1, 2))\n",
    )
    await writeFile(join(broken, 'package.json'), '{"type":"module"}')
    await expect(plantBugs(broken, { out: join(out, 'broken-out') })).rejects.toThrow(
      /tests must pass before bugs are planted, but `node --test` exited with 1/,
    )
    await expect(plantBugs(fixture, { out: join(fixture, 'cases') })).rejects.toThrow(
      /must be outside the fixture/,
    )
    await expect(plantBugs(fixture, { out, operators: ['typo' as never] })).rejects.toThrow(
      /`operators\[0\]` must be "off-by-one", .*got `"typo"`/,
    )
  })

  test('exclude takes the one glob dialect: classes, `[!…]`, trailing `/`, `!`', async () => {
    // Only src/sort.js is left to plant in: every case's bug is there.
    for (const exclude of [['src/[puvr]*.js'], ['src/[!s]*.js'], ['src/**', '!src/sort.js']]) {
      const cases = await plantBugs(fixture, {
        out: join(out, `exclude-${exclude.length}-${exclude[0]!.length}`),
        count: 1,
        exclude,
      })
      expect(cases[0]!.groundTruth.bugs[0]!.file).toBe('src/sort.js')
    }
    // A trailing `/` is the folder; a case differing in case excludes nothing.
    await expect(plantBugs(fixture, { out: join(out, 'exclude-all'), exclude: ['src/'] })).rejects.toThrow(
      /No JS\/TS or Python source files \(other than tests\)/,
    )
    const [kept] = await plantBugs(fixture, { out: join(out, 'exclude-case'), count: 1, exclude: ['SRC/**'] })
    expect(kept!.groundTruth.bugs[0]!.file).toMatch(/^src\//)
  })
})
