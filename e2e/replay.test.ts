import { execFileSync } from 'node:child_process'
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { basename, join } from 'node:path'
import { beforeAll, describe, expect, test } from 'vitest'
import { agentClisInstalled } from '../src/agents/agent-clis.test-support.ts'
import { dockerAvailable } from '../src/sandbox/docker/test-support.ts'
import type { RunFile, TestEntry } from '../src/store/schema.ts'
import { repoRoot } from './support/paths.ts'
import { readJson, resultFiles, runVitest } from './support/run-vitest.ts'

const docker = await dockerAvailable()
const EXAMPLE = 'claude-code'
const CASE = 'Claude Code fixes range()'
const EVAL_FILE = join('evals', 'claude-code.eval.ts')

/** A copy of the example in e2e/.tmp (so 'evalbox' is the build), without a local run's results. */
function copyExample(): string {
  const base = join(repoRoot, 'e2e', '.tmp')
  mkdirSync(base, { recursive: true })
  const dir = mkdtempSync(join(base, `replay-${EXAMPLE}-`))
  cpSync(join(repoRoot, 'examples', EXAMPLE), dir, {
    recursive: true,
    filter: (path) => !['node_modules', '.evals'].includes(basename(path)),
  })
  return dir
}

/** Runs the copy with no key (so the cassette answers) and returns the case's entry of that run. */
async function replay(dir: string): Promise<{ entry: TestEntry; output: string }> {
  const run = await runVitest(dir, [], {
    env: {
      ANTHROPIC_API_KEY: undefined,
      OPENAI_API_KEY: undefined,
      GEMINI_API_KEY: undefined,
      EVALBOX_SANDBOX: undefined,
      EVALBOX_MODEL: 'replay',
    },
  })
  const output = run.stdout + run.stderr
  const last = resultFiles(join(dir, '.evals')).at(-1)
  expect(last, output).toBeDefined()
  const entry = readJson<RunFile>(last!).tests.find((test) => test.name === CASE)
  expect(entry, output).toBeDefined()
  return { entry: entry!, output }
}

/** What must be the same on every replay: the grades and the usage. */
function outcome(entry: TestEntry) {
  return {
    passed: entry.passed,
    exit_reason: entry.exit_reason,
    score: entry.score,
    grades: entry.grades?.map((grade) => ({ name: grade.name, pass: grade.pass, score: grade.score })),
    tokens: entry.tokens,
    cost_usd: entry.cost_usd,
    turns_used: entry.turns_used,
    tool_summary: entry.tool_summary,
    model_calls: entry.model_calls && {
      mode: entry.model_calls.mode,
      calls: entry.model_calls.calls,
      errors: entry.model_calls.errors,
      tokens: entry.model_calls.tokens,
      cost_usd: entry.model_calls.cost_usd,
      by_model: entry.model_calls.by_model,
    },
  }
}

describe.skipIf(!docker.ok || !agentClisInstalled())('record once, replay many times', () => {
  beforeAll(() => {
    execFileSync(join(repoRoot, 'scripts', 'build-agent-image.sh'), { stdio: 'ignore' })
  }, 900_000)

  test('the recorded example replayed twice gives identical grades and usage', async () => {
    const dir = copyExample()
    const first = await replay(dir)
    const second = await replay(copyExample())
    expect(first.entry.passed, first.output).toBe(true)
    expect(outcome(first.entry).model_calls).toMatchObject({ mode: 'replay', errors: 0 })
    expect(first.entry.model_calls!.calls).toBeGreaterThanOrEqual(5)
    expect(first.entry.cost_usd).toBeGreaterThan(0)
    expect(outcome(second.entry)).toEqual(outcome(first.entry))
    // And a third time in the first copy, whose results folder now holds a run.
    expect(outcome((await replay(dir)).entry)).toEqual(outcome(first.entry))
  })

  test('a changed prompt fails the replay, and the error names what differed', async () => {
    const dir = copyExample()
    const evalFile = join(dir, EVAL_FILE)
    const source = readFileSync(evalFile, 'utf8')
    const recorded = 'Fix the bug in src/range.js without changing the tests.'
    expect(source).toContain(recorded)
    writeFileSync(
      evalFile,
      source.replace(recorded, 'Fix the bug in src/range.js, and keep the tests as they are.'),
    )
    const { entry, output } = await replay(dir)
    expect(entry.passed).toBe(false)
    expect(entry.exit_reason).toBe('agent_error')
    expect(entry.model_calls).toMatchObject({ mode: 'replay' })
    expect(entry.model_calls!.errors).toBeGreaterThanOrEqual(1)
    // The case's headline leads with the agent error (the body's failed expect follows it)…
    expect(entry.headline, output).toContain(
      'agent error: the cassette has no answer for a model call: request 1: messages[0].content[1].text differs',
    )
    // …and the gateway's mismatch, in full: the field, what was recorded, what came now, the fix.
    const mismatch = entry.model_calls!.replay_mismatch
    expect(mismatch).toMatch(/^request 1: messages\[0\]\.content\[1\]\.text differs: /)
    expect(mismatch).toContain(
      "recorded '… bug in src/range.js without changing the tests.' vs now '… bug in src/range.js, and keep the tests as they are.'",
    )
    expect(mismatch).toContain('record it again with EVALBOX_MODEL=record')
    expect(output).toContain('the cassette has no answer for a model call')
  })
})
