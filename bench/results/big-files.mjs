#!/usr/bin/env node
// Benchmark: evalbox's commands on a results folder with two run files of about 195 MB each
// (20,000 tests with 9 KB outputs), as a long-lived CI cache may hold. Peak RSS and time of
// each command, as a whole process.
//
//   npm run build && node bench/results/big-files.mjs [--write]
//
// `--write` puts the table into docs/performance.md (between <!-- big:start --> and <!-- big:end -->).
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'

const { values } = parseArgs({ options: { write: { type: 'boolean', default: false } } })
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
const cli = join(root, 'dist', 'cli.js')
const work = mkdtempSync(join(tmpdir(), 'evalbox-bench-big-'))
const results = join(work, '.evals')
mkdirSync(results)

const TESTS = 20_000
const pad = 'x'.repeat(9_000)
function runFile(timestamp) {
  const tests = Array.from({ length: TESTS }, (_, i) => ({
    name: `case ${i}`,
    suite: 'big',
    tier: 'e2e',
    passed: i % 7 !== 0,
    duration_ms: 1_000 + i,
    cost_usd: 0.01,
    output: `output ${i} ${pad}`,
    score: (i % 10) / 10,
    grades: [{ name: 'g', score: 1, pass: true, explanation: `fine ${'y'.repeat(500)}` }],
  }))
  const passed = tests.filter((t) => t.passed).length
  return {
    schema_version: 1,
    version: '1.0.0',
    branch: 'main',
    git_sha: 'abc1234',
    timestamp,
    hostname: 'bench',
    tier: 'e2e',
    total_tests: TESTS,
    passed,
    failed: TESTS - passed,
    total_cost_usd: TESTS * 0.01,
    total_duration_ms: 1,
    tests,
  }
}
const files = ['1.0.0-main-e2e-20260101-100000.json', '1.0.0-main-e2e-20260102-100000.json']
for (const [i, name] of files.entries())
  writeFileSync(join(results, name), JSON.stringify(runFile(`2026-01-0${i + 1}T10:00:00.000Z`)))
const mb = (bytes) => Math.round(bytes / 1024 / 1024)
const size = mb(statSync(join(results, files[1])).size)

// In this order, as a user runs them: the first listing reads (and hashes) both files and
// fills .evals/.index; the second and every later command find them there.
const commands = [
  ['list', ['list']],
  ['list', ['list'], 'again'],
  ['compare', ['compare']],
  ['gate --previous', ['gate', '--previous']],
  ['report', ['report', '--out', join(work, 'report.html')]],
]
const rows = []
for (const [label, args, note] of commands) {
  const rss = join(work, 'rss')
  const started = process.hrtime.bigint()
  const result = spawnSync(
    '/usr/bin/time',
    ['-f', '%M', '-o', rss, process.execPath, cli, ...args, '--dir', results],
    {
      cwd: work,
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024,
    },
  )
  const ms = Number(process.hrtime.bigint() - started) / 1e6
  if (result.status !== 0 && label !== 'gate --previous')
    throw new Error(`${label}: exit ${result.status}\n${result.stderr}`)
  const peak = Number(readFileSync(rss, 'utf8').trim().split('\n').at(-1)) * 1024
  rows.push(
    `| \`evalbox ${label}\`${note ? ` (${note})` : ''} | ${(ms / 1000).toFixed(2)} s | ${mb(peak)} MiB | ${mb(peak) < 500 ? 'yes' : '**no**'} |`,
  )
  console.error(`${label}${note ? ` (${note})` : ''}: ${(ms / 1000).toFixed(2)} s, ${mb(peak)} MiB`)
}
rmSync(work, { recursive: true, force: true })

const table = [
  `Measured ${new Date().toISOString().slice(0, 10)}, Node ${process.version}: two run files of ${size} MB (${TESTS.toLocaleString('en-US')} tests each), peak RSS of the whole process.`,
  '',
  '| command | time | peak RSS | under 500 MiB |',
  '| --- | ---: | ---: | :---: |',
  ...rows,
].join('\n')
console.log(table)
if (values.write) {
  const doc = join(root, 'docs', 'performance.md')
  const text = readFileSync(doc, 'utf8')
  if (!text.includes('<!-- big:start -->'))
    throw new Error('docs/performance.md has no <!-- big:start --> block')
  writeFileSync(
    doc,
    text.replace(
      /<!-- big:start -->[\s\S]*<!-- big:end -->/,
      `<!-- big:start -->\n${table}\n<!-- big:end -->`,
    ),
  )
}
