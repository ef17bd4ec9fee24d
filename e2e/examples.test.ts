import { execFileSync } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs'
import { basename, join } from 'node:path'
import { Ajv2020 } from 'ajv/dist/2020.js'
import { beforeAll, describe, expect, test } from 'vitest'
import { agentClisInstalled } from '../src/agents/agent-clis.test-support.ts'
import { dockerAvailable } from '../src/sandbox/docker/test-support.ts'
import type { RunFile, TestEntry } from '../src/store/schema.ts'
import { repoRoot } from './support/paths.ts'
import { readJson, resultFiles, runVitest, type VitestRun } from './support/run-vitest.ts'

const validate = new Ajv2020({ strict: false, allErrors: true }).compile(
  readJson(join(repoRoot, 'docs', 'result-format.schema.json')),
)

/**
 * Copies `examples/<name>` into `e2e/.tmp/` (inside the repo, so 'evalbox' resolves to the
 * build by self-reference) without what a local run left, and runs its evals offline.
 */
async function runExample(
  name: string,
  env: Record<string, string | undefined> = {},
): Promise<{ dir: string; run: VitestRun; files: RunFile[] }> {
  const base = join(repoRoot, 'e2e', '.tmp')
  mkdirSync(base, { recursive: true })
  const dir = mkdtempSync(join(base, `example-${name}-`))
  const skip = new Set(['node_modules', '.evals', '__pycache__', '.pytest_cache'])
  cpSync(join(repoRoot, 'examples', name), dir, {
    recursive: true,
    filter: (path) => !skip.has(basename(path)),
  })
  // No key: evals that need a real API must skip, not fail.
  const run = await runVitest(dir, [], {
    env: { ANTHROPIC_API_KEY: undefined, OPENAI_API_KEY: undefined, GEMINI_API_KEY: undefined, ...env },
  })
  const files = resultFiles(join(dir, '.evals')).map((file) => readJson<RunFile>(file))
  for (const file of files) expect(validate(file), JSON.stringify(validate.errors)).toBe(true)
  return { dir, run, files }
}

function entry(file: RunFile, name: string): TestEntry {
  const found = file.tests.find((test) => test.name === name)
  if (!found) throw new Error(`no entry "${name}" in ${file.tests.map((test) => test.name).join(', ')}`)
  return found
}

/** Every case of the file passed; returns their names. */
function allPassed(file: RunFile): string[] {
  expect(file.failed).toBe(0)
  expect(file.tests.every((test) => test.passed)).toBe(true)
  return file.tests.map((test) => test.name).sort()
}

describe('every example runs offline and passes', () => {
  test('scripted-fix: the fix passes with a full entry; the cheat is graded failing', async () => {
    const { dir, run, files } = await runExample('scripted-fix')
    expect(run.exitCode, run.stdout + run.stderr).toBe(0)
    expect(files).toHaveLength(1)
    const [file] = files as [RunFile]
    expect(allPassed(file)).toEqual(['editing the test instead is caught', 'fixes the off-by-one'])

    const fixed = entry(file, 'fixes the off-by-one')
    expect(fixed).toMatchObject({
      exit_reason: 'success',
      turns_used: 5,
      tool_summary: { Bash: 3, Edit: 1 },
      harvest: { files: ['src/paginate.js'], filesChanged: 1 },
      score: 1,
    })
    const patch = readFileSync(join(dir, '.evals', fixed.harvest!.patchPath), 'utf8')
    expect(patch).toContain('+  const start = (page - 1) * size')

    const cheat = entry(file, 'editing the test instead is caught')
    expect(cheat.threshold).toBeUndefined()
    expect(cheat.grades![0]).toMatchObject({ name: 'not(unit tests)', pass: true })
    expect(cheat.grades![0]!.metadata?.inner).toMatchObject({ name: 'unit tests', pass: false })
    expect(cheat.grades![0]!.explanation).toContain('test/paginate.test.js (modified)')
  })

  test('unit-tests: node:test and pytest fixtures are fixed', async () => {
    const { run, files } = await runExample('unit-tests')
    expect(run.exitCode, run.stdout + run.stderr).toBe(0)
    const [file] = files as [RunFile]
    expect(allPassed(file)).toEqual(['node:test — fixes mean()', 'pytest — fixes apply_discount()'])
    const pytest = entry(file, 'pytest — fixes apply_discount()')
    expect(pytest.grades![0]!.metadata).toMatchObject({ framework: 'pytest', resolved: 'full', tampered: [] })
  })

  test('text-graders: every row passes', async () => {
    const { run, files } = await runExample('text-graders')
    expect(run.exitCode, run.stdout + run.stderr).toBe(0)
    const [file] = files as [RunFile]
    expect(allPassed(file)).toHaveLength(7)
  })

  test('tool-calls: the careful agent passes; the hasty one is graded failing', async () => {
    const { run, files } = await runExample('tool-calls')
    expect(run.exitCode, run.stdout + run.stderr).toBe(0)
    const [file] = files as [RunFile]
    expect(allPassed(file)).toEqual(['editing before reading is caught', 'reads, then edits both files'])
    expect(entry(file, 'reads, then edits both files').grades!.map((grade) => grade.pass)).toEqual([
      true,
      true,
      true,
    ])
    const hasty = entry(file, 'editing before reading is caught').grades![0]!
    expect(hasty).toMatchObject({ name: 'not(reads before it edits)', pass: true })
    expect(hasty.metadata?.inner).toMatchObject({ name: 'reads before it edits', pass: false })
  })

  test('planted-bugs: planted cases are reviewed and graded', async () => {
    const { dir, run, files } = await runExample('planted-bugs')
    expect(run.exitCode, run.stdout + run.stderr).toBe(0)
    const [file] = files as [RunFile]
    const names = allPassed(file)
    expect(names).toHaveLength(4)
    const found = file.tests.filter((test) => test.suite === 'finds the planted bug')
    expect(found).toHaveLength(3)
    for (const test of found) {
      expect(test).toMatchObject({ detection_rate: 1, false_positives: 0, evidence_quality: 3 })
      expect(existsSync(join(dir, '.evals', 'planted-cases', test.name, 'ground-truth.json'))).toBe(true)
    }
    // The negated grade still reports its detection rate to the entry.
    const vague = entry(file, 'a vague review is not enough')
    expect(vague).toMatchObject({ detection_rate: 0, grades: [{ name: 'not(plantedBugs)', pass: true }] })
  })

  test('llm-judge: the fake judge scores both answers in the llm-judge tier', async () => {
    const { run, files } = await runExample('llm-judge')
    expect(run.exitCode, run.stdout + run.stderr).toBe(0)
    expect(files.map((file) => file.tier)).toEqual(['llm-judge'])
    const [file] = files as [RunFile]
    expect(allPassed(file)).toEqual(['a vague answer scores low', 'explains the off-by-one'])
    expect(entry(file, 'explains the off-by-one').judge_scores).toEqual({ cause: 5, fix: 5 })
    expect(entry(file, 'a vague answer scores low').judge_scores).toEqual({ cause: 1, fix: 1 })
  })

  test('file-backed-context: artifacts recover every detail; the inline mode is graded failing', async () => {
    const { run, files } = await runExample('file-backed-context')
    expect(run.exitCode, run.stdout + run.stderr).toBe(0)
    const [file] = files as [RunFile]
    expect(allPassed(file)).toHaveLength(3)
    const all = entry(file, 'artifacts bring back every hidden detail')
    expect(all.grades![0]!.explanation).toMatch(/^recovered 5\/5 hidden details/)
  })
})

const docker = await dockerAvailable()

/** The agent CLI examples: folder → the case's name. */
const CLI_EXAMPLES: Record<string, string> = {
  'claude-code': 'Claude Code fixes range()',
  codex: 'Codex fixes clamp()',
  'gemini-cli': 'Gemini CLI fixes initials()',
  opencode: 'opencode fixes average()',
  'qwen-code': 'Qwen Code fixes countWords()',
}

describe.skipIf(!docker.ok || !agentClisInstalled())(
  'every agent CLI example passes offline, replayed from its cassette',
  () => {
    beforeAll(() => {
      // Builds (or finds) the agent image and tags it evalbox-agents:latest, the examples' image.
      execFileSync(join(repoRoot, 'scripts', 'build-agent-image.sh'), { stdio: 'ignore' })
    }, 900_000)

    test.each(Object.entries(CLI_EXAMPLES))(
      '%s: no key and no EVALBOX_MODEL, so the case replays, passes, with tokens and cost',
      async (name, caseName) => {
        const { run, files } = await runExample(name, {
          EVALBOX_MODEL: undefined,
          EVALBOX_SANDBOX: undefined,
        })
        expect(run.exitCode, run.stdout + run.stderr).toBe(0)
        const [file] = files as [RunFile]
        expect(allPassed(file)).toEqual([caseName])
        const replayed = entry(file, caseName)
        expect(replayed.exit_reason).toBe('success')
        expect(replayed.model_calls).toMatchObject({ mode: 'replay', refused: 0, errors: 0 })
        expect(replayed.model_calls!.calls).toBeGreaterThanOrEqual(5)
        expect(replayed.model_calls!.tokens.output).toBeGreaterThan(0)
        expect(replayed.model_calls!.cost_usd).toBeGreaterThan(0)
        expect(replayed.tokens?.output).toBeGreaterThan(0)
        expect(replayed.cost_usd).toBeGreaterThan(0)
        expect(replayed.tool_summary, JSON.stringify(replayed.tool_summary)).toBeDefined()
      },
    )
  },
)
