// Benchmark of the docker sandbox, measured side by side in one run (machines here are noisy):
//
//   npm run build && node bench/run-ts.mjs bench/sandbox/measure.ts [--rounds 20] [--throughput-rounds 5] [--write]
//
// 1. per-case overhead: create → copy a 1 MiB workspace → exec `true` → remove, through
//    evalbox and through raw dockerode, interleaved;
// 2. warm pool: case start → first exec result, with and without a warm pool;
// 3. throughput: 64 cases of `sleep 1` at concurrency 8 in a real `vitest run`, vs the ideal 8 s,
//    with the memory of the Vitest main process and its workers sampled during the run; in
//    rounds interleaved with the same load on raw dockerode, each run from a quiet machine.
import { spawn } from 'node:child_process'
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { pack } from 'tar-stream'
import { createDockerSandbox } from '../../src/sandbox/docker/docker-sandbox.ts'
import { getEngine } from '../../src/sandbox/docker/engine.ts'
import { acquireDockerSandbox, drainPools } from '../../src/sandbox/docker/warm-pool.ts'
import type { RunFile } from '../../src/store/schema.ts'

const IMAGE = 'evalbox-base:bookworm-1'
const root = fileURLToPath(new URL('../../', import.meta.url))
const work = join(root, 'bench', '.tmp', 'sandbox')
const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '20' },
    'throughput-rounds': { type: 'string', default: '5' },
    write: { type: 'boolean', default: false },
  },
})
const rounds = Number(values.rounds)
const throughputRounds = Number(values['throughput-rounds'])
const labels = { 'evalbox.run': `bench-${process.pid}` }

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
const percentile = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!
const ms = (n: number) => `${n.toFixed(0)} ms`
const timed = async (fn: () => Promise<unknown>) => {
  const started = performance.now()
  await fn()
  return performance.now() - started
}

rmSync(work, { recursive: true, force: true })
const workspace = join(work, 'workspace')
mkdirSync(join(workspace, 'src'), { recursive: true })
writeFileSync(join(workspace, 'blob.bin'), Buffer.alloc(1024 * 1024, 7))
for (let i = 0; i < 20; i++)
  writeFileSync(join(workspace, 'src', `file${i}.js`), `export const n${i} = ${i}\n`)

// --- 1. per-case overhead ---------------------------------------------------------------
const { docker } = await getEngine()

function workspaceTar() {
  const tar = pack()
  tar.entry({ name: 'blob.bin' }, readFileSync(join(workspace, 'blob.bin')))
  tar.entry({ name: 'src', type: 'directory' })
  for (const name of readdirSync(join(workspace, 'src'))) {
    tar.entry({ name: `src/${name}` }, readFileSync(join(workspace, 'src', name)))
  }
  tar.finalize()
  return tar
}

async function rawLifecycle(): Promise<void> {
  const container = await docker.createContainer({
    Image: IMAGE,
    Cmd: ['sleep', 'infinity'],
    WorkingDir: '/workspace',
    Labels: labels,
    HostConfig: { Init: true, NetworkMode: 'none' },
  })
  await container.start()
  await container.putArchive(workspaceTar() as unknown as NodeJS.ReadableStream, { path: '/workspace' })
  const exec = await container.exec({ Cmd: ['true'], AttachStdout: true, AttachStderr: true })
  const stream = await exec.start({})
  await new Promise((resolve) => {
    stream.on('end', resolve)
    stream.resume()
  })
  await exec.inspect()
  await container.remove({ force: true })
}

async function evalboxLifecycle(): Promise<void> {
  const sandbox = await createDockerSandbox({ image: IMAGE, workspace, labels })
  await sandbox.exec(['true'])
  await sandbox.dispose()
}

await rawLifecycle()
await evalboxLifecycle()
const raw: number[] = []
const ours: number[] = []
for (let i = 0; i < rounds; i++) {
  if (i % 2) {
    raw.push(await timed(rawLifecycle))
    ours.push(await timed(evalboxLifecycle))
  } else {
    ours.push(await timed(evalboxLifecycle))
    raw.push(await timed(rawLifecycle))
  }
}
const overhead = median(ours) / median(raw)
console.error(`lifecycle: raw ${ms(median(raw))}, evalbox ${ms(median(ours))}, ratio ${overhead.toFixed(2)}`)

// --- 2. warm pool: case start → first exec result --------------------------------------
const warmStarts: number[] = []
const coldStarts: number[] = []
const firstExec = async (warm: number, list: number[]) => {
  const started = performance.now()
  const sandbox = await acquireDockerSandbox({ image: IMAGE, labels }, warm)
  await sandbox.exec(['true'])
  list.push(performance.now() - started)
  await sandbox.dispose()
}
await firstExec(4, [])
for (let i = 0; i < rounds; i++) {
  // A case every 400 ms: the pool refills between cases, as it does between a run's cases.
  await new Promise((resolve) => setTimeout(resolve, 400))
  await firstExec(4, warmStarts)
  await firstExec(0, coldStarts)
}
await drainPools()
const execOnly: number[] = []
{
  const sandbox = await createDockerSandbox({ image: IMAGE, labels })
  await sandbox.exec(['true'])
  for (let i = 0; i < rounds; i++) execOnly.push(await timed(() => sandbox.exec(['true'])))
  await sandbox.dispose()
}
console.error(
  `case start → first exec: warm p50 ${ms(median(warmStarts))} (p90 ${ms(percentile(warmStarts, 0.9))}), cold p50 ${ms(median(coldStarts))}, exec alone p50 ${ms(median(execOnly))}`,
)

// --- 3. throughput and memory in a real vitest run ---------------------------------------
const project = join(work, 'throughput')
mkdirSync(join(project, 'evals'), { recursive: true })
writeFileSync(
  join(project, 'vitest.config.ts'),
  `import { evalsProject } from 'evalbox/vitest'
import { defineConfig } from 'vitest/config'
export default defineConfig({ test: { projects: [evalsProject({ version: 'bench', branch: 'bench', maxConcurrency: 8,
  sandbox: { provider: 'docker', image: '${IMAGE}', warm: 8 } })] } })\n`,
)
writeFileSync(
  join(project, 'evals', 'sleep.eval.ts'),
  `import { describeEval } from 'evalbox'
describeEval('sleep', {
  data: Array.from({ length: 64 }, (_, i) => ({ input: i, name: 'case ' + i })),
  agent: async ({ sandbox }) => {
    const result = await sandbox.exec(['sleep', '1'])
    return result.exitCode === 0 ? 'slept' : 'failed'
  },
})\n`,
)

interface Sample {
  main: number
  workers: number
}
function rssTree(pid: number): Sample {
  const children = new Map<number, number[]>()
  const rss = new Map<number, number>()
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      const ppid = Number(fields[1])
      rss.set(Number(entry), Number(fields[21]) * 4096)
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)])
    } catch {}
  }
  let workers = 0
  const walk = (p: number) => {
    for (const child of children.get(p) ?? []) {
      workers += rss.get(child) ?? 0
      walk(child)
    }
  }
  walk(pid)
  return { main: rss.get(pid) ?? 0, workers }
}

const runOnce = () =>
  new Promise<{ wallMs: number; peak: Sample; run: RunFile }>((resolve, reject) => {
    rmSync(join(project, '.evals'), { recursive: true, force: true })
    const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', EVALBOX_SANDBOX: 'docker' }
    const started = performance.now()
    const child = spawn(
      process.execPath,
      [join(root, 'node_modules/vitest/vitest.mjs'), 'run', '--project', 'evals'],
      {
        cwd: project,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    )
    let output = ''
    child.stdout.on('data', (chunk) => (output += chunk))
    child.stderr.on('data', (chunk) => (output += chunk))
    const peak: Sample = { main: 0, workers: 0 }
    const sampler = setInterval(() => {
      const sample = rssTree(child.pid!)
      peak.main = Math.max(peak.main, sample.main)
      peak.workers = Math.max(peak.workers, sample.workers)
    }, 100)
    child.on('close', (code) => {
      clearInterval(sampler)
      if (code !== 0) return reject(new Error(`throughput run failed (${code}):\n${output.slice(-3000)}`))
      const dir = join(project, '.evals')
      const file = readdirSync(dir).find((name) => name.endsWith('.json'))!
      resolve({
        wallMs: performance.now() - started,
        peak,
        run: JSON.parse(readFileSync(join(dir, file), 'utf8')),
      })
    })
  })

// The same 64 × `sleep 1` at concurrency 8 with raw dockerode, side by side: containers made
// per case (cold), and all 64 made before the clock starts (the floor for any pool here).
async function rawThroughput(precreate: boolean): Promise<number> {
  const make = async () => {
    const container = await docker.createContainer({
      Image: IMAGE,
      Cmd: ['sleep', 'infinity'],
      Labels: labels,
      HostConfig: { Init: true, NetworkMode: 'none' },
    })
    await container.start()
    return container
  }
  const ready = precreate ? await Promise.all(Array.from({ length: 64 }, make)) : []
  const started = performance.now()
  let next = 0
  const removals: Promise<unknown>[] = []
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < 64) {
        const i = next++
        const container = precreate ? ready[i]! : await make()
        const exec = await container.exec({ Cmd: ['sleep', '1'], AttachStdout: true, AttachStderr: true })
        const stream = await exec.start({})
        await new Promise((resolve) => {
          stream.on('end', resolve)
          stream.resume()
        })
        await exec.inspect()
        const removal = container.remove({ force: true })
        if (precreate) removals.push(removal)
        else await removal
      }
    }),
  )
  const span = performance.now() - started
  await Promise.allSettled(removals)
  return span
}
// Waits until the machine is quiet (at least 80% idle over half a second, at most 15 s): the
// engine finishes removing containers and the kernel tears their namespaces down in the
// background, which would otherwise slow whichever run comes next.
async function settle(): Promise<void> {
  const idle = () => {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number)
    return { idle: fields[3]! + fields[4]!, total: fields.reduce((a, b) => a + b, 0) }
  }
  const until = Date.now() + 15_000
  while (Date.now() < until) {
    const before = idle()
    await new Promise((resolve) => setTimeout(resolve, 500))
    const after = idle()
    if ((after.idle - before.idle) / (after.total - before.total) >= 0.8) return
  }
}

// Interleaved rounds (evalbox, then the two raw references), each from a quiet machine.
const throughputs: { span: number; wall: number; peak: Sample }[] = []
const rawColds: number[] = []
const rawWarms: number[] = []
for (let i = 0; i < throughputRounds; i++) {
  await settle()
  const { wallMs, peak, run } = await runOnce()
  const starts = run.tests.map((test) => Date.parse(test.started_at!))
  const ends = run.tests.map((test) => Date.parse(test.started_at!) + test.duration_ms)
  const span = Math.max(...ends) - Math.min(...starts)
  throughputs.push({ span, wall: wallMs, peak })
  await settle()
  rawWarms.push(await rawThroughput(true))
  await settle()
  rawColds.push(await rawThroughput(false))
  console.error(
    `throughput round ${i + 1}: evalbox cases span ${ms(span)} (${(span / 8000).toFixed(3)}× ideal), whole process ${ms(wallMs)}, peak RSS main ${(peak.main / 2 ** 20).toFixed(0)} MiB, workers ${(peak.workers / 2 ** 20).toFixed(0)} MiB; raw all made first ${ms(rawWarms.at(-1)!)}, raw cold ${ms(rawColds.at(-1)!)}`,
  )
}
const rawCold = median(rawColds)
const rawWarm = median(rawWarms)
const spanMedian = median(throughputs.map((t) => t.span))
const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`

const table = [
  '| measure | evalbox | reference | ratio | target |',
  '| --- | ---: | ---: | ---: | ---: |',
  `| per-case lifecycle (create → copy 1 MiB workspace → exec \`true\` → remove), median of ${rounds} | ${ms(median(ours))} | raw dockerode ${ms(median(raw))} | ${overhead.toFixed(2)}× | ≤ 1.15× |`,
  `| case start → first exec result, warm pool, p50 (p90) of ${rounds} | ${ms(median(warmStarts))} (${ms(percentile(warmStarts, 0.9))}) | exec alone ${ms(median(execOnly))}; cold start ${ms(median(coldStarts))} | — | ≤ 50 ms |`,
  `| 64 cases of \`sleep 1\` at concurrency 8, warm pool 8: first case start → last case end, median of ${throughputRounds} interleaved rounds | ${ms(spanMedian)} | ideal 8000 ms | ${(spanMedian / 8000).toFixed(2)}× | ≤ 1.15× |`,
  `| the same with raw dockerode, a container made per case (no pool) | ${ms(rawCold)} | ideal 8000 ms | ${(rawCold / 8000).toFixed(2)}× | — |`,
  `| the same with raw dockerode, all 64 containers made before the clock starts (floor) | ${ms(rawWarm)} | ideal 8000 ms | ${(rawWarm / 8000).toFixed(2)}× | — |`,
  `| memory during that run (peak RSS): Vitest main process / its workers | ${mib(Math.max(...throughputs.map((t) => t.peak.main)))} / ${mib(Math.max(...throughputs.map((t) => t.peak.workers)))} | — | — | — |`,
].join('\n')
console.log(table)

if (values.write) {
  const doc = join(root, 'docs', 'performance.md')
  const text = readFileSync(doc, 'utf8')
  const block = `<!-- sandbox:start -->\nMeasured ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, Docker engine ${(await docker.version()).Version}, image \`${IMAGE}\`:\n\n${table}\n<!-- sandbox:end -->`
  writeFileSync(doc, text.replace(/<!-- sandbox:start -->[\s\S]*<!-- sandbox:end -->/, block))
}
