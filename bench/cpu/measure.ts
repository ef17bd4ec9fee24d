// Whether a worker pool (tinypool) or execa would pay for itself, measured side by side in one
// run (machines here are noisy):
//
//   node bench/run-ts.mjs bench/cpu/measure.ts [--files 500] [--tests 50] [--rounds 5] [--tinypool <path>]
//
// 1. listing a results directory of `--files` run files of `--tests` entries each (~2.3 KB an
//    entry, as real ones), which `evalbox report`, `gate`, `compare`, `list` and the reporter's
//    comparison do first: `listRuns` serially, against the same per-file work (read, JSON.parse,
//    header schema, summary) in a tinypool of 2 workers, counting the pool's start and not;
// 2. plantBugs: the JavaScript work per source file (tokenize, scan, find mutations) against one
//    mutant check, which is a run of the fixture's tests in a child process;
// 3. the host-side processes outside the sandbox code: `readRunInfo` (git, with spawnSync).
//
// tinypool is not a dependency: install it anywhere for the measurement
// (`cd /tmp/tp && npm install --no-save tinypool`) and pass `--tinypool
// /tmp/tp/node_modules/tinypool/dist/index.js`; without it part 1 is measured serially only.
import { spawnSync } from 'node:child_process'
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import { isMainThread } from 'node:worker_threads'
import { findFilesSync } from '../../src/core/glob.ts'
import { listSources } from '../../src/datasets/plant/files.ts'
import { findMutations } from '../../src/datasets/plant/operators.ts'
import { scan } from '../../src/datasets/plant/source-scan.ts'
import { tokenize } from '../../src/datasets/plant/tokenize.ts'
import { listRuns, type RunSummary, summarize } from '../../src/store/read-results.ts'
import { readRunInfo } from '../../src/store/run-info.ts'
import { type RunFile, runHeaderSchema } from '../../src/store/schema.ts'

/** The little of tinypool's API used here (it is not a dependency). */
interface Pool {
  run(task: unknown): Promise<unknown>
  destroy(): Promise<void>
}
type PoolClass = new (options: { filename: string; minThreads: number; maxThreads: number }) => Pool

/** The pool's task: the per-file work of `listRuns`, for a chunk of paths. */
export default function summarizeFiles(paths: readonly string[]): RunSummary[] {
  return paths.map(summarizeFile)
}

function summarizeFile(path: string): RunSummary {
  const run = runHeaderSchema().parse(JSON.parse(readFileSync(path, 'utf8'))) as RunFile
  return summarize(path, run)
}

if (isMainThread) await main()

async function main() {
  const { values } = parseArgs({
    options: {
      files: { type: 'string', default: '500' },
      tests: { type: 'string', default: '50' },
      rounds: { type: 'string', default: '5' },
      tinypool: { type: 'string' },
    },
  })
  const files = Number(values.files)
  const tests = Number(values.tests)
  const rounds = Number(values.rounds)
  const root = fileURLToPath(new URL('../../', import.meta.url))
  const dir = join(root, 'bench', '.tmp', 'cpu-runs')
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
  const timed = async (fn: () => unknown) => {
    const start = performance.now()
    await fn()
    return performance.now() - start
  }

  rmSync(dir, { recursive: true, force: true })
  mkdirSync(dir, { recursive: true })
  const paths: string[] = []
  let bytes = 0
  for (let i = 0; i < files; i++) {
    const text = JSON.stringify(runFile(i, tests), null, 2)
    bytes += text.length
    const path = join(dir, `0.1.0-main-e2e-2026${String(i).padStart(6, '0')}.json`)
    writeFileSync(path, text)
    paths.push(path)
  }

  const Tinypool = values.tinypool
    ? ((await import(pathToFileURL(values.tinypool).href)) as { Tinypool: PoolClass }).Tinypool
    : undefined
  const self = import.meta.url
  const inPool = async (pool: Pool) => {
    const chunk = Math.ceil(paths.length / 8)
    const parts = Array.from({ length: 8 }, (_, i) => paths.slice(i * chunk, (i + 1) * chunk))
    return (await Promise.all(parts.map((part) => pool.run(part) as Promise<RunSummary[]>))).flat()
  }

  const rows: Record<string, number[]> = { names: [], listRuns: [], serial: [], poolCold: [], poolWarm: [] }
  for (let round = 0; round < rounds; round++) {
    rows.serial!.push(await timed(() => summarizeFiles(paths)))
    rows.names!.push(await timed(() => findFilesSync(dir, ['*.json', '!.*'], { deep: 1 })))
    rows.listRuns!.push(await timed(() => listRuns(dir)))
    if (Tinypool) {
      let pool: Pool | undefined
      rows.poolCold!.push(
        await timed(async () => {
          pool = new Tinypool({ filename: self, minThreads: 2, maxThreads: 2 })
          const found = await inPool(pool)
          if (found.length !== files) throw new Error(`the pool summarised ${found.length} files`)
        }),
      )
      rows.poolWarm!.push(await timed(() => inPool(pool!)))
      await pool!.destroy()
    }
  }

  console.log(
    `\n${files} run files of ${tests} entries (${(bytes / 2 ** 20).toFixed(1)} MiB), Node ${process.version}, medians of ${rounds} interleaved rounds:\n`,
  )
  const header = (what: string) =>
    console.log(`| ${what.padEnd(62)} |      ms |\n| ${'-'.repeat(62)} | ------: |`)
  const line = (what: string, xs: number[]) =>
    xs.length > 0 && console.log(`| ${what.padEnd(62)} | ${median(xs).toFixed(0).padStart(7)} |`)
  header('listing the results directory')
  line('`listRuns`, serial (what the CLI does)', rows.listRuns!)
  line('  of which listing the names (fast-glob)', rows.names!)
  line('the same per-file work, serial', rows.serial!)
  line('tinypool, 2 workers, started for the listing (as a CLI must)', rows.poolCold!)
  line('tinypool, 2 workers, already started', rows.poolWarm!)

  const fixture = join(root, 'examples', 'planted-bugs', 'fixture')
  const sources = await listSources(fixture)
  const texts = sources.map((s) => ({ ...s, text: readFileSync(join(fixture, s.path), 'utf8') }))
  const jsWork: number[] = []
  const testRun: number[] = []
  let mutations = 0
  for (let round = 0; round < rounds; round++) {
    jsWork.push(
      await timed(() => {
        mutations = 0
        for (const s of texts)
          mutations += findMutations(scan(s.text, s.language, tokenize(s.text, s.language))).length
      }),
    )
    testRun.push(await timed(() => spawnSync('node', ['--test'], { cwd: fixture, stdio: 'ignore' })))
  }
  console.log(
    `\nplantBugs on examples/planted-bugs/fixture (${sources.length} sources, ${mutations} candidate mutants):\n`,
  )
  header('step')
  line('tokenize + scan + find mutations, every source file', jsWork)
  line('one mutant check: `node --test` in a child process', testRun)

  const info: number[] = []
  for (let round = 0; round < rounds; round++) info.push(await timed(() => readRunInfo(root)))
  console.log('')
  header('host-side process outside the sandbox')
  line('`readRunInfo`: package.json and git (spawnSync), once a run', info)
  rmSync(dir, { recursive: true, force: true })
}

/** A run file whose entries look like real ones (grades, harvest, sandbox, artifacts). */
function runFile(index: number, tests: number): RunFile {
  const entries = Array.from({ length: tests }, (_, i) => {
    const dir = `runs/2026${String(index).padStart(6, '0')}/evals-case-${i}-41806b26`
    return {
      name: `case ${i} — a fix passes`,
      suite: 'evals/unit-tests.eval.ts',
      tier: 'e2e',
      passed: i % 9 !== 0,
      duration_ms: 6657 + i,
      cost_usd: 0.0123,
      case_name: `case ${i}`,
      output: 'Fixed the off-by-one in paginate and added a regression test.',
      exit_reason: 'success',
      turns_used: 7,
      tool_summary: { Edit: 2, Read: 4, Bash: 1 },
      last_tool_call: 'Edit(src/paginate.js)',
      model: 'claude-sonnet-4-5',
      first_response_ms: 812,
      max_inter_turn_ms: 3750,
      tokens: { input: 18_234, output: 1_532, cache_read: 12_000, cache_write: 2_000 },
      score: 1,
      grades: [
        {
          name: 'unit tests',
          pass: true,
          score: 1,
          explanation: '`node --test --test-reporter=tap` exited with 0: 3 passed, 0 failed',
          metadata: {
            exitCode: 0,
            timedOut: false,
            counts: { passed: 3, failed: 0, skipped: 0, errors: 0 },
            tampered: [],
            patch: 'applied',
            framework: 'node',
            command: 'node --test --test-reporter=tap',
            durationMs: 2508,
            log: `${dir}/grader-unit-tests.log`,
          },
        },
      ],
      harvest: {
        filesChanged: 1,
        patchPath: `${dir}/patch.diff`,
        isDuplicate: false,
        files: ['src/paginate.js'],
      },
      sandbox: {
        provider: 'docker',
        id: 'ec1c16fc13ba9f74a276f4a2ddc72ab925209e81b555a41841147100bb0effbe',
        image: 'evalbox-base:bookworm-1',
      },
      run_dir: dir,
      artifacts: {
        log: `${dir}/agent.log`,
        transcript: `${dir}/transcript.ndjson`,
        prompt: `${dir}/prompt.md`,
      },
    }
  })
  const passed = entries.filter((t) => t.passed).length
  return {
    schema_version: 1,
    version: '0.1.0',
    branch: 'main',
    git_sha: 'abc1234def',
    timestamp: new Date(Date.UTC(2026, 0, 1) + index * 60_000).toISOString(),
    hostname: 'ci-host',
    tier: 'e2e',
    total_tests: tests,
    passed,
    failed: tests - passed,
    total_cost_usd: 0.0123 * tests,
    total_duration_ms: 6657 * tests,
    tests: entries,
  } as unknown as RunFile
}
