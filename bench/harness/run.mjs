#!/usr/bin/env node
// Benchmark: trivial evals through evalbox vs the same tests in plain Vitest, whole process.
//
//   node bench/harness/run.mjs [--sizes 10,1000,10000] [--rounds 3] [--write]
//
// Each variant is a real project in a temp folder that installs the packed evalbox tarball
// and the same Vitest as this repo, as a user's project does; each run is a `vitest run` child
// process, and the variants are interleaved round by round so machine noise hits both alike.
// --write puts the table into docs/performance.md.
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'

const root = fileURLToPath(new URL('../../', import.meta.url))
const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '10,1000,10000' },
    rounds: { type: 'string', default: '3' },
    write: { type: 'boolean', default: false },
  },
})
const sizes = values.sizes.split(',').map(Number)
const rounds = Number(values.rounds)
const work = mkdtempSync(join(tmpdir(), 'evalbox-harness-'))
execFileSync('npm', ['pack', '--pack-destination', work, '--silent'], { cwd: root, stdio: 'ignore' })
const tarball = join(
  work,
  readdirSync(work).find((name) => name.endsWith('.tgz')),
)
const vitestVersion = JSON.parse(readFileSync(join(root, 'node_modules/vitest/package.json'), 'utf8')).version

// biome-ignore lint/suspicious/noTemplateCurlyInString: the task source is written into a generated eval file
const task = 'async (input) => `answer to ${input}`'
const variants = {
  plain: {
    config: `import { defineConfig } from 'vitest/config'
export default defineConfig({ test: { projects: [{ test: { name: 'evals', include: ['evals/**/*.eval.ts'], maxConcurrency: 5 } }] } })\n`,
    file: `import { describe, expect, test } from 'vitest'
const rows = Array.from({ length: Number(process.env.BENCH_N) }, (_, i) => ({ input: i, name: 'row ' + i }))
const task = ${task}
describe('bench', () => {
  for (const row of rows) {
    test.concurrent(row.name, async ({ expect }) => {
      const output = await task(row.input)
      expect(output).toContain('answer')
    })
  }
})\n`,
  },
  evalbox: {
    config: `import { evalsProject } from 'evalbox/vitest'
import { defineConfig } from 'vitest/config'
export default defineConfig({ test: { projects: [evalsProject({ version: 'bench', branch: 'bench' })] } })\n`,
    file: `import { describeEval, graders } from 'evalbox'
const rows = Array.from({ length: Number(process.env.BENCH_N) }, (_, i) => ({ input: i, name: 'row ' + i }))
describeEval('bench', { data: rows, task: ${task}, graders: [graders.contains('answer')] })\n`,
  },
}

for (const [name, variant] of Object.entries(variants)) {
  mkdirSync(join(work, name, 'evals'), { recursive: true })
  writeFileSync(
    join(work, name, 'package.json'),
    JSON.stringify({ name: `bench-${name}`, private: true, type: 'module' }),
  )
  writeFileSync(join(work, name, 'vitest.config.ts'), variant.config)
  writeFileSync(join(work, name, 'evals', 'bench.eval.ts'), variant.file)
  const deps = name === 'evalbox' ? [tarball, `vitest@${vitestVersion}`] : [`vitest@${vitestVersion}`]
  execFileSync(
    'npm',
    ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error', ...deps],
    {
      cwd: join(work, name),
      stdio: 'ignore',
    },
  )
}

function runOnce(name, n) {
  rmSync(join(work, name, '.evals'), { recursive: true, force: true })
  const env = { ...process.env, BENCH_N: String(n), NO_COLOR: '1', EVALBOX_SANDBOX: 'local' }
  for (const key of Object.keys(env)) if (key.startsWith('VITEST')) delete env[key]
  const started = process.hrtime.bigint()
  const result = spawnSync(
    process.execPath,
    [join(work, name, 'node_modules/vitest/vitest.mjs'), 'run', '--project', 'evals'],
    {
      cwd: join(work, name),
      env,
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024,
    },
  )
  const ms = Number(process.hrtime.bigint() - started) / 1e6
  if (result.status !== 0) {
    console.error(result.stdout.slice(-3000), result.stderr.slice(-3000))
    throw new Error(`${name} with ${n} evals failed (exit ${result.status})`)
  }
  if (!new RegExp(`Tests\\s+${n} passed`).test(result.stdout))
    throw new Error(`${name}: expected ${n} passing tests`)
  return ms
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const times = Object.fromEntries(
  Object.keys(variants).map((name) => [name, Object.fromEntries(sizes.map((n) => [n, []]))]),
)
for (let round = 1; round <= rounds; round++) {
  for (const n of sizes) {
    // Alternate which variant goes first, so neither always runs on a warmer machine.
    const order = round % 2 ? ['plain', 'evalbox'] : ['evalbox', 'plain']
    for (const name of order) {
      const ms = runOnce(name, n)
      times[name][n].push(ms)
      console.error(`round ${round}: ${name.padEnd(7)} n=${String(n).padStart(5)} ${ms.toFixed(0)} ms`)
    }
  }
}

const med = Object.fromEntries(
  Object.keys(variants).map((name) => [
    name,
    Object.fromEntries(sizes.map((n) => [n, median(times[name][n])])),
  ]),
)
const lines = []
lines.push(`| evals | plain Vitest (ms) | evalbox (ms) | ratio |`)
lines.push(`| ---: | ---: | ---: | ---: |`)
for (const n of sizes) {
  lines.push(
    `| ${n} | ${med.plain[n].toFixed(0)} | ${med.evalbox[n].toFixed(0)} | ${(med.evalbox[n] / med.plain[n]).toFixed(2)}× |`,
  )
}
lines.push('')
lines.push('| per-eval marginal cost | plain Vitest | evalbox |')
lines.push('| --- | ---: | ---: |')
for (let i = 1; i < sizes.length; i++) {
  const [a, b] = [sizes[i - 1], sizes[i]]
  const cost = (name) => ((med[name][b] - med[name][a]) / (b - a)).toFixed(3)
  lines.push(`| ${a} → ${b} evals | ${cost('plain')} ms | ${cost('evalbox')} ms |`)
}
const table = lines.join('\n')
console.log(table)

if (values.write) {
  const doc = join(root, 'docs', 'performance.md')
  const text = readFileSync(doc, 'utf8')
  const block = `<!-- harness:start -->\nMeasured ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, medians of ${rounds} interleaved rounds, whole \`vitest run\` process:\n\n${table}\n<!-- harness:end -->`
  writeFileSync(doc, text.replace(/<!-- harness:start -->[\s\S]*<!-- harness:end -->/, block))
}
