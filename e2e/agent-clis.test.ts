import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { agentClisInstalled } from '../src/agents/agent-clis.test-support.ts'
import { dockerAvailable } from '../src/sandbox/docker/test-support.ts'
import { type ScriptedUpstream, startScriptedUpstream } from '../src/testing/scripted-upstream/index.ts'
import { repoRoot } from './support/paths.ts'
import { copyFixture, readJson, resultFiles, runVitest, type VitestRun } from './support/run-vitest.ts'

const docker = await dockerAvailable()
const CLIS = ['claude', 'codex', 'gemini', 'qwen', 'opencode']

// The host's key for every provider: the gateway adds it to each forwarded call, and it must
// appear nowhere else. Written in two halves in the check below, so the command that looks
// for it does not carry it.
const HALVES = [`sk-canary-${randomBytes(6).toString('hex')}`, randomBytes(10).toString('hex')]
const CANARY = HALVES.join('')

const RIGHT = 'function sum(a, b) {\n  return a + b\n}\n\nmodule.exports = { sum }\n'
const WRONG = 'function sum(a, b) {\n  return a * b\n}\n\nmodule.exports = { sum }\n'
// Run inside the container by the agent's shell tool: the counts come back to the upstream as
// the tool's result.
const LOOK = [
  `p="${HALVES[0]}""${HALVES[1]}"`,
  'echo "env: $(env | grep -c "$p")"',
  `echo "processes: $(cat /proc/[0-9]*/environ /proc/[0-9]*/cmdline 2>/dev/null | tr '\\0' '\\n' | grep -c "$p")"`,
  'echo "files: $(grep -rl "$p" /workspace /tmp /home /run /root /var /etc 2>/dev/null | wc -l)"',
  'echo look-done',
].join('; ')

// What the scripted upstream plays, picked by the marker in each case's prompt.
const SCRIPTS = {
  'fix-right': {
    steps: [
      { shell: 'node --test 2>&1 | tail -4' },
      { read: 'src/sum.js' },
      { write: 'src/sum.js', content: RIGHT },
      { shell: 'node --test 2>&1 | tail -4' },
      { answer: 'Fixed sum(): it subtracted instead of adding.' },
    ],
  },
  'fix-wrong': {
    steps: [{ read: 'src/sum.js' }, { write: 'src/sum.js', content: WRONG }, { answer: 'Done, I think.' }],
  },
  'canary-check': { steps: [{ shell: LOOK }, { answer: 'I looked around.' }] },
}

/** The fixture run's environment: the agent image, the upstream, and the host's keys (the canary). */
function runEnv(image: string, upstream: ScriptedUpstream): Record<string, string | undefined> {
  return {
    EVALBOX_SANDBOX: undefined,
    EVALBOX_AGENT_IMAGE: image,
    SCRIPTED_UPSTREAM_URL: upstream.url,
    ANTHROPIC_API_KEY: CANARY,
    OPENAI_API_KEY: CANARY,
    GEMINI_API_KEY: CANARY,
  }
}

/** The agent image's tag (built once, then found by its hash). */
const agentImage = () =>
  execFileSync(join(repoRoot, 'scripts', 'build-agent-image.sh'), { encoding: 'utf8' }).trim()

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((name) => join(dir, name))
    .filter((path) => statSync(path).isFile())
}

type Entry = Record<string, unknown> & {
  name: string
  passed: boolean
  tokens?: { input: number; output: number }
  model_calls?: { calls: number; tokens: { input: number; output: number } }
  tool_summary?: Record<string, number>
}

describe.skipIf(!docker.ok || !agentClisInstalled())(
  'five real agent CLIs, in Docker with no network, through the gateway',
  () => {
    let upstream: ScriptedUpstream
    let project: string
    let run: VitestRun
    let entries: Entry[]

    beforeAll(async () => {
      upstream = await startScriptedUpstream({ apiKey: CANARY, scripts: SCRIPTS })
      project = copyFixture('agent-clis')
      run = await runVitest(project, ['--project', 'evals'], { env: runEnv(agentImage(), upstream) })
      const [file] = resultFiles(join(project, '.evals'))
      entries = file ? readJson<{ tests: Entry[] }>(file).tests : []
    }, 900_000)
    afterAll(async () => {
      await upstream?.close()
    })

    const entry = (name: string): Entry => {
      const found = entries.find((candidate) => candidate.name === name)
      expect(found, `no entry "${name}" in the results\n${run.stdout}\n${run.stderr}`).toBeDefined()
      return found!
    }

    test.each(CLIS)(
      '%s really fixes the fixture: its unit test passes, with its turns, tools, tokens and cost',
      (cli) => {
        const right = entry(`${cli} right fix`)
        expect(right.passed, JSON.stringify(right, null, 2)).toBe(true)
        expect(right.exit_reason).toBe('success')
        expect(right.turns_used).toBeGreaterThanOrEqual(1)
        expect(right.tool_summary?.Bash, JSON.stringify(right.tool_summary)).toBeGreaterThanOrEqual(2)
        const edits = (right.tool_summary?.Write ?? 0) + (right.tool_summary?.Edit ?? 0)
        expect(edits, JSON.stringify(right.tool_summary)).toBeGreaterThanOrEqual(1)
        expect(right.model_calls?.calls).toBeGreaterThanOrEqual(5)
        expect(right.tokens?.output).toBeGreaterThan(0)
        expect(right.agent_cost_usd).toBeGreaterThan(0)
        expect(right.cost_usd).toBe(right.agent_cost_usd)
      },
    )

    test.each(CLIS)('%s with a wrong fix is graded failing by the unit tests', (cli) => {
      const wrong = entry(`${cli} wrong fix`)
      expect(wrong.passed).toBe(false)
      expect(wrong.exit_reason).toBe('success')
      expect(JSON.stringify(wrong.grades)).toMatch(/"pass":false/)
      // It really changed the code, wrongly: the patch is there and the test ran on it.
      expect(JSON.stringify(wrong.harvest)).toMatch(/"filesChanged":1/)
    })

    test('the gateway counted exactly the tokens the upstream sent', () => {
      const sent = upstream.calls.filter((call) => call.status === 200 && call.tokens)
      const counted = entries.reduce((sum, e) => sum + (e.model_calls?.tokens.output ?? 0), 0)
      expect(counted).toBe(sent.reduce((sum, call) => sum + call.tokens!.output, 0))
      // Every call reached the upstream with the host's key, never a stand-in.
      expect(upstream.calls.filter((call) => call.status === 401)).toEqual([])
    })

    test('the host key is nowhere in the container (checked from inside) nor under the results dir', () => {
      const looked = upstream.calls
        .map((call) => JSON.stringify(call.body))
        .find((body) => body.includes('look-done'))
      expect(looked, 'the check never ran in the container').toBeDefined()
      expect(looked).toMatch(/env: 0/)
      expect(looked).toMatch(/processes: 0/)
      expect(looked).toMatch(/files: 0/)
      expect(entry('claude looks for the key').passed).toBe(true)
      for (const call of upstream.calls) expect(JSON.stringify(call.body)).not.toContain(CANARY)
      const leaks = filesUnder(join(project, '.evals')).filter((path) => readFileSync(path).includes(CANARY))
      expect(leaks).toEqual([])
      expect(run.stdout + run.stderr).not.toContain(CANARY)
    })
  },
)

describe.skipIf(!docker.ok || !agentClisInstalled())('budgets the gateway holds', () => {
  let upstream: ScriptedUpstream
  let run: VitestRun
  let file: { tests: Entry[]; not_run?: { name: string; status: string; reason?: string }[] }

  beforeAll(async () => {
    upstream = await startScriptedUpstream({ apiKey: CANARY, scripts: SCRIPTS })
    const project = copyFixture('agent-budgets')
    run = await runVitest(project, ['--project', 'evals'], { env: runEnv(agentImage(), upstream) })
    const [path] = resultFiles(join(project, '.evals'))
    file = path ? readJson(path) : { tests: [] }
  }, 600_000)
  afterAll(async () => {
    await upstream?.close()
  })

  test('a case past its own cost budget gets its next call refused and ends error_max_budget', () => {
    const stopped = file.tests.find((e) => e.name === 'stopped by its own budget')
    expect(stopped, run.stdout + run.stderr).toBeDefined()
    expect(stopped!.exit_reason).toBe('error_max_budget')
    expect(stopped!.passed).toBe(false)
    expect(stopped!.model_calls).toMatchObject({ calls: 1, refused: 1 })
    expect(String((stopped!.model_calls as Record<string, unknown>).budget_exceeded)).toMatch(
      /maxCostUsd \(\$0\.01\)/,
    )
    expect(run.stdout).toMatch(/stopped by its own budget.*FAIL.*\[budget stop: maxCostUsd\]/)
  })

  test('once the run budget is spent, no new case starts, and the summary says why', () => {
    // The call that crossed the run budget finished; the gateway refused the next one.
    const spender = file.tests.find((e) => e.name === 'spends the run budget')
    expect(spender?.exit_reason, run.stdout + run.stderr).toBe('error_max_budget')
    expect(run.stdout).toMatch(/spends the run budget.*FAIL.*\[budget stop: run budget\]/)
    const skipped = file.not_run?.find((e) => e.name === 'starts after the run budget is spent')
    expect(skipped?.status, JSON.stringify(file.not_run)).toBe('skipped')
    expect(skipped?.reason).toMatch(/run budget maxCostUsd \(\$0\.15\) spent/)
    expect(run.stdout).toMatch(/starts after the run budget is spent.*SKIP.*run budget/)
    // It never reached the model: the upstream saw only the first two cases' calls.
    const answered = upstream.calls.filter((call) => call.status === 200).length
    expect(answered).toBe(1 + (spender?.model_calls?.calls ?? 0))
    expect(spender?.model_calls).toMatchObject({ refused: 1 })
  })
})
