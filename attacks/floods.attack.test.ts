import { readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { expect } from 'vitest'
import { copyFixture, readJson, resultFiles, runVitest, type VitestRun } from '../e2e/support/run-vitest.ts'
import type { RunFile, TestEntry } from '../src/store/schema.ts'
import { attack } from './support/attack.ts'

/*
 * Agents (and graders) that print far more than anyone should keep: 1 GiB on stdout or
 * stderr, 300 MB of valid stream-json, one 500 MB line, a function agent logging 1 GiB, and
 * grader commands flooding both streams. Each eval file of `fixtures/floods-agents` has one
 * case and runs in its own worker, which records its peak RSS (VmHWM) as `peak_rss_mb`.
 */

const MiB = 1024 * 1024
const GiB = 1024 * MiB
/** The default `maxOutputBytes`. */
const CAP = 16 * MiB
/** What evalbox itself writes into agent.log besides the agent's output. */
const NOTES = 1024
/** Before the defence: 1.1 to 2.7 GB. A vitest worker running a flood without a transcript peaks near 210 MB. */
const PEAK_RSS_MB = 400
/** Kept events cost more than their bytes: 334-370 MB on Node 20, 409-462 MB on Node 22 (2.5 GB before the defence). */
const STREAM_JSON_PEAK_RSS_MB = 600
const DOCKER_FILES = ['evals/stdout-flood', 'evals/stream-json-flood', 'evals/grader-flood']

interface Flooded {
  run: VitestRun
  floodBytes: number
  results: string
  entry(name: string): TestEntry
}

const runs = new Map<string, Promise<Flooded>>()
/** Runs the fixture once per provider (the first attack of each waits for it). */
function flooded(provider: 'local' | 'docker'): Promise<Flooded> {
  let run = runs.get(provider)
  if (!run) {
    run = (async () => {
      const dir = copyFixture('floods-agents', 'attacks')
      const results = join(dir, '.evals')
      const files = provider === 'docker' ? DOCKER_FILES : []
      const vitest = await runVitest(dir, ['--project', 'evals', ...files], {
        // Docker's attach stream is slower: a quarter of the flood is still 16× the cap.
        env: {
          EVALBOX_SANDBOX: provider,
          FLOOD_BYTES: provider === 'docker' ? String(256 * MiB) : undefined,
        },
      })
      const [file] = resultFiles(results)
      if (!file) throw new Error(`no result file:\n${vitest.stdout}\n${vitest.stderr}`)
      const { tests } = readJson<RunFile>(file)
      return {
        run: vitest,
        floodBytes: provider === 'docker' ? 256 * MiB : GiB,
        results,
        entry(name) {
          const entry = tests.find((test) => test.name === name)
          if (!entry) throw new Error(`no entry "${name}":\n${vitest.stdout}\n${vitest.stderr}`)
          return entry
        },
      }
    })()
    runs.set(provider, run)
  }
  return run
}

function size(results: string, entry: TestEntry, role: string): number {
  const path = entry.artifacts?.[role]
  if (!path) throw new Error(`"${entry.name}" kept no ${role}: ${JSON.stringify(entry.artifacts)}`)
  return statSync(join(results, path)).size
}

/** Graded, every grade passed, and the worker stayed small. */
function expectGradedAndSmall(entry: TestEntry, peakRssMb = PEAK_RSS_MB): void {
  expect(entry.grades?.length, JSON.stringify(entry)).toBeGreaterThan(0)
  expect(
    entry.grades!.map((grade) => [grade.name, grade.pass]),
    JSON.stringify(entry.grades),
  ).toEqual(entry.grades!.map((grade) => [grade.name, true]))
  expect(entry.passed).toBe(true)
  expect(entry.metrics?.peak_rss_mb).toBeLessThan(peakRssMb)
}

function expectStdoutFloodCut(flood: Flooded): void {
  const entry = flood.entry('stdout flood')
  expect(entry.exit_reason, entry.error).toBe('success')
  expectGradedAndSmall(entry)
  const log = size(flood.results, entry, 'log')
  expect(log).toBeGreaterThanOrEqual(CAP)
  expect(log).toBeLessThanOrEqual(CAP + NOTES)
  expect(entry.output_truncated?.log).toBeGreaterThanOrEqual(flood.floodBytes - CAP)
}

function expectStreamJsonCounted(flood: Flooded): void {
  const entry = flood.entry('stream-json flood')
  expect(entry.exit_reason, entry.error).toBe('success')
  expectGradedAndSmall(entry, STREAM_JSON_PEAK_RSS_MB)
  // Every one of the million events counts, though only the first 16 MiB are kept.
  expect(entry.turns_used).toBe(1_000_000)
  expect(entry.tool_summary).toEqual({ Bash: 1_000_000 })
  expect(entry.tokens).toEqual({ input: 1_000_000, output: 2_000_000 })
  expect(entry.last_tool_call).toMatch(/^Bash\(echo p+/)
  const transcript = size(flood.results, entry, 'transcript')
  expect(transcript).toBeGreaterThan(CAP - 1000)
  expect(transcript).toBeLessThanOrEqual(CAP)
  expect(entry.output_truncated?.transcript).toBe(300_000_000 - transcript)
  // Lines count without their newline: 299 bytes each.
  expect(entry.output_truncated?.events).toBeGreaterThan(299_000_000 - CAP - 1000)
  expect(size(flood.results, entry, 'log')).toBeLessThanOrEqual(CAP + NOTES)
}

function expectGraderFloodCut(flood: Flooded): void {
  const entry = flood.entry('grader output flood')
  expectGradedAndSmall(entry)
  for (const grade of entry.grades!) {
    expect(grade.metadata?.log, grade.name).toBeTypeOf('string')
    const path = join(flood.results, grade.metadata!.log as string)
    // 10 MiB of each stream (the exec cap), plus the command and the notes.
    expect(statSync(path).size, grade.name).toBeLessThanOrEqual(20 * MiB + 4096)
    expect(readFileSync(path, 'utf8'), grade.name).toContain('[evalbox: output cut')
  }
  expect(entry.grades!.find((grade) => grade.name.startsWith('command('))?.metadata).toMatchObject({
    outputTruncated: true,
  })
}

attack(
  'agents.cli: 1 GiB on stdout is cut at maxOutputBytes; the case is graded and the worker stays small',
  async () => expectStdoutFloodCut(await flooded('local')),
  900_000,
)

attack('agents.cli: 1 GiB on stderr is cut at maxOutputBytes and recorded', async () => {
  const flood = await flooded('local')
  const entry = flood.entry('stderr flood')
  expect(entry.exit_reason, entry.error).toBe('success')
  expectGradedAndSmall(entry)
  expect(size(flood.results, entry, 'log')).toBeLessThanOrEqual(CAP + NOTES)
  expect(entry.output_truncated?.log).toBeGreaterThanOrEqual(flood.floodBytes - CAP)
})

attack('stream-json: 300 MB of valid events are all counted while only 16 MiB are kept', async () =>
  expectStreamJsonCounted(await flooded('local')),
)

attack('stream-json: a turn budget far past the kept events still stops the agent', async () => {
  const entry = (await flooded('local')).entry('budget under a flood')
  expect(entry.exit_reason).toBe('error_max_turns')
  expect(entry.error).toContain('stopped at turn 400001')
  expectGradedAndSmall(entry)
  expect(entry.output_truncated?.events).toBeGreaterThan(0)
})

attack('stream-json: one 500 MB line without a newline is not held; the events after it count', async () => {
  const flood = await flooded('local')
  const entry = flood.entry('one long line')
  expect(entry.exit_reason, entry.error).toBe('success')
  expectGradedAndSmall(entry)
  expect(entry.turns_used).toBe(3)
  expect(entry.output).toBe('after the long line')
  expect(size(flood.results, entry, 'transcript')).toBeLessThanOrEqual(CAP)
  expect(size(flood.results, entry, 'log')).toBeLessThanOrEqual(CAP + NOTES)
  expect(entry.output_truncated).toMatchObject({ log: expect.any(Number), transcript: expect.any(Number) })
  expect(entry.output_truncated?.events).toBeGreaterThanOrEqual(500 * MiB)
})

attack('function agent: logging 1 GiB without waiting is cut at maxOutputBytes', async () => {
  const flood = await flooded('local')
  const entry = flood.entry('function agent log flood')
  expect(entry.output).toBe('logged')
  expectGradedAndSmall(entry)
  const log = size(flood.results, entry, 'log')
  expect(log).toBeGreaterThanOrEqual(CAP)
  expect(log).toBeLessThanOrEqual(CAP + NOTES)
  expect(entry.output_truncated?.log).toBe(1024 * (19 * 55_000 + 1) - CAP)
  const tail = readFileSync(join(flood.results, entry.artifacts!.log!), 'utf8').slice(-200)
  expect(tail).toContain(`agent.log stopped at maxOutputBytes (${CAP} bytes)`)
})

attack('graders: command and unitTests output floods are cut, noted in their logs, and graded', async () =>
  expectGraderFloodCut(await flooded('local')),
)

attack('maxOutputBytes set on the eval is the cap', async () => {
  const flood = await flooded('local')
  const entry = flood.entry('configured cap')
  expectGradedAndSmall({ ...entry, metrics: { peak_rss_mb: 0 } })
  expect(size(flood.results, entry, 'log')).toBeLessThanOrEqual(MiB + NOTES)
  expect(entry.output_truncated?.log).toBeGreaterThan(49 * MiB)
})

attack(
  'docker: 256 MiB on stdout is cut at maxOutputBytes; the case is graded and the worker stays small',
  async () => expectStdoutFloodCut(await flooded('docker')),
  900_000,
)

attack('docker: 300 MB of stream-json are all counted while only 16 MiB are kept', async () =>
  expectStreamJsonCounted(await flooded('docker')),
)

attack('docker: command and unitTests output floods are cut, noted in their logs, and graded', async () =>
  expectGraderFloodCut(await flooded('docker')),
)
