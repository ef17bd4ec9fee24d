#!/usr/bin/env node
// Benchmark: the same N trivial evals in plain Vitest, evalbox, vitest-evals, evalite and
// promptfoo, each as its documentation sets it up, each run as a whole child process.
//
//   npm run build && node bench/peers/run.mjs [--sizes 100,1000] [--own-sizes 10000]
//     [--rounds 5] [--engines up,none] [--write]
//
// A trivial eval: the input is a row number, the task returns "answer to <n>", one check that
// the output contains "answer". evalbox is installed from its packed tarball into a project of
// its own, as a user installs it; the peers (pinned in bench/peers/package.json) are installed
// once into $TMPDIR/evalbox-bench-peers. Runs are interleaved round by round, with the order of the
// variants rotated each round, so machine noise hits every variant alike. `--engines up` runs
// with the Docker engine this machine answers on; `none` points DOCKER_HOST at a socket that
// does not exist, as a machine without Docker. `--own-sizes` are run by plain Vitest and evalbox
// only (the peers are slow there), to check that evalbox's cost per eval stays flat.
// Every run starts from the same state: evalbox from the results of one earlier run of the
// same size (so it pays for the comparison a user's second run pays for), the peers from an
// empty store. `--write` puts the tables into docs/performance.md.
import { execFileSync, spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'

const root = fileURLToPath(new URL('../../', import.meta.url))
const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '100,1000' },
    'own-sizes': { type: 'string', default: '10000' },
    rounds: { type: 'string', default: '5' },
    engines: { type: 'string', default: 'up,none' },
    write: { type: 'boolean', default: false },
  },
})
const list = (text) => (text ? text.split(',').filter(Boolean) : [])
const sizes = list(values.sizes).map(Number)
const ownSizes = list(values['own-sizes']).map(Number)
const rounds = Number(values.rounds)
const engines = list(values.engines)
for (const engine of engines)
  if (engine !== 'up' && engine !== 'none')
    throw new Error(`--engines: "${engine}" is neither "up" nor "none"; use e.g. --engines up,none`)
if (engines.includes('up') && spawnSync('docker', ['version'], { stdio: 'ignore' }).status !== 0)
  throw new Error(
    '--engines up: no Docker engine answers; start one (.ci/docker-up.sh) or pass --engines none',
  )
const deadEngine = 'unix:///nonexistent/evalbox-bench/docker.sock'

// --- the peers, installed once per version of bench/peers/package.json ----------------------
// Outside the repo: Vitest looks for a config file up the folder tree and would find the repo's.
const peersDir = join(tmpdir(), 'evalbox-bench-peers')
const manifest = readFileSync(join(root, 'bench', 'peers', 'package.json'), 'utf8')
const stamp = join(peersDir, 'node_modules', '.bench-manifest')
const wanted = createHash('sha256').update(manifest).digest('hex')
if (!existsSync(stamp) || readFileSync(stamp, 'utf8') !== wanted) {
  console.error(`installing the peers into ${peersDir} (a few minutes, once)…`)
  rmSync(peersDir, { recursive: true, force: true })
  mkdirSync(peersDir, { recursive: true })
  writeFileSync(join(peersDir, 'package.json'), manifest)
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd: peersDir,
    stdio: ['ignore', 'ignore', 'inherit'],
  })
  writeFileSync(stamp, wanted)
}
const version = (dir, name) =>
  JSON.parse(readFileSync(join(dir, 'node_modules', name, 'package.json'), 'utf8')).version
const vitestVersion = version(root, 'vitest')
if (version(peersDir, 'vitest') !== vitestVersion)
  throw new Error(
    `bench/peers/package.json pins vitest ${version(peersDir, 'vitest')} but the repo has ${vitestVersion}: make them equal`,
  )

// --- evalbox from its tarball, in a project of its own ---------------------------------------
const work = mkdtempSync(join(tmpdir(), 'evalbox-peers-'))
execFileSync('npm', ['pack', '--pack-destination', work, '--silent'], { cwd: root, stdio: 'ignore' })
const tarball = join(
  work,
  readdirSync(work).find((name) => name.endsWith('.tgz')),
)
const evalboxDir = join(work, 'evalbox')
mkdirSync(evalboxDir)
writeFileSync(
  join(evalboxDir, 'package.json'),
  JSON.stringify({ name: 'bench-evalbox', private: true, type: 'module' }),
)
execFileSync(
  'npm',
  [
    'install',
    '--no-audit',
    '--no-fund',
    '--prefer-offline',
    '--loglevel=error',
    tarball,
    `vitest@${vitestVersion}`,
  ],
  {
    cwd: evalboxDir,
    stdio: ['ignore', 'ignore', 'inherit'],
  },
)

// --- the variants: files, command, the check that every eval ran and passed, state reset ----
const rows =
  // biome-ignore lint/suspicious/noTemplateCurlyInString: source text written into the generated eval files
  'Array.from({ length: Number(process.env.BENCH_N) }, (_, i) => ({ input: String(i), name: `row ${i}` }))'
const vitestBin = (dir) => join(dir, 'node_modules', 'vitest', 'vitest.mjs')
const passedTests = (n) => (out) => new RegExp(`Tests\\s+${n} passed`).test(out)
const variants = {
  plain: {
    label: 'plain Vitest',
    dir: join(peersDir, 'projects', 'plain'),
    files: {
      'evals/bench.test.ts': `import { expect, it } from 'vitest'
const rows = ${rows}
for (const row of rows) {
  it(row.name, async () => {
    const output = await (async (input: string) => \`answer to \${input}\`)(row.input)
    expect(output).toContain('answer')
  })
}
`,
    },
    command: () => [vitestBin(peersDir), 'run'],
    passed: passedTests,
  },
  evalbox: {
    label: 'evalbox',
    dir: evalboxDir,
    files: {
      'vitest.config.ts': `import { evalsProject } from 'evalbox/vitest'
import { defineConfig } from 'vitest/config'
export default defineConfig({ test: { projects: [evalsProject({ version: 'bench', branch: 'bench' })] } })
`,
      'evals/bench.eval.ts': `import { describeEval, graders } from 'evalbox'
describeEval('bench', {
  data: ${rows},
  task: async (input: string) => \`answer to \${input}\`,
  graders: [graders.contains('answer')],
})
`,
    },
    command: () => [vitestBin(evalboxDir), 'run'],
    passed: passedTests,
    state: '.evals',
  },
  'vitest-evals': {
    label: 'vitest-evals',
    dir: join(peersDir, 'projects', 'vitest-evals'),
    files: {
      'vitest.config.ts': `import { defineConfig } from 'vitest/config'
export default defineConfig({ test: { include: ['evals/**/*.eval.ts'] } })
`,
      'evals/bench.eval.ts': `import { expect } from 'vitest'
import { createHarness, describeEval } from 'vitest-evals'
const harness = createHarness<string, string>({
  name: 'bench',
  run: async ({ input }) => {
    const output = \`answer to \${input}\`
    return {
      output,
      events: [
        { type: 'message', role: 'user', content: input },
        { type: 'message', role: 'assistant', content: output },
      ],
      usage: {},
    }
  },
})
describeEval('bench', { harness }, (it) => {
  it.for(${rows})('$name', async ({ input }, { run }) => {
    const result = await run(input)
    expect(result.output).toContain('answer')
  })
})
`,
    },
    command: () => [vitestBin(peersDir), 'run'],
    passed: passedTests,
  },
  evalite: {
    label: 'evalite',
    dir: join(peersDir, 'projects', 'evalite'),
    files: {
      'evals/bench.eval.ts': `import { evalite } from 'evalite'
evalite('bench', {
  data: ${rows},
  task: async (input: string) => \`answer to \${input}\`,
  scorers: [{ name: 'contains', scorer: ({ output }) => (output.includes('answer') ? 1 : 0) }],
})
`,
    },
    command: () => [join(peersDir, 'node_modules', 'evalite', 'dist', 'bin.js'), 'run'],
    passed: (n) => (out) => new RegExp(`Evals\\s+${n}\\b`).test(out) && /Score\s+100%/.test(out),
    state: 'node_modules/.evalite',
  },
  promptfoo: {
    label: 'promptfoo',
    dir: join(peersDir, 'projects', 'promptfoo'),
    files: {},
    // promptfoo's tests are data in its YAML config, so the config is written per size.
    prepare(dir, n) {
      const tests = Array.from(
        { length: n },
        (_, i) => `  - vars: { input: "${i}" }\n    assert: [{ type: contains, value: answer }]\n`,
      )
      writeFileSync(
        join(dir, `promptfooconfig-${n}.yaml`),
        `prompts:\n  - "answer to {{input}}"\nproviders:\n  - echo\ntests:\n${tests.join('')}`,
      )
    },
    command: (n) => [
      join(peersDir, 'node_modules', 'promptfoo', 'dist', 'src', 'entrypoint.js'),
      'eval',
      '-c',
      `promptfooconfig-${n}.yaml`,
    ],
    passed: (n) => (out) => new RegExp(`\\b(${n}|${n.toLocaleString('en-US')}) passed`).test(out),
    state: '.promptfoo',
    env: (dir) => ({
      PROMPTFOO_CONFIG_DIR: join(dir, '.promptfoo'),
      PROMPTFOO_DISABLE_TELEMETRY: '1',
      PROMPTFOO_DISABLE_UPDATE: '1',
      // On Node 20 its debug-log file transport crashes the process at exit ("write after end").
      PROMPTFOO_DISABLE_DEBUG_LOG: '1',
    }),
  },
}

for (const variant of Object.values(variants)) {
  mkdirSync(variant.dir, { recursive: true })
  for (const [file, text] of Object.entries(variant.files)) {
    mkdirSync(join(variant.dir, file, '..'), { recursive: true })
    writeFileSync(join(variant.dir, file), text)
  }
  if (!existsSync(join(variant.dir, 'package.json')))
    writeFileSync(join(variant.dir, 'package.json'), JSON.stringify({ private: true, type: 'module' }))
  for (const n of [...sizes, ...ownSizes]) variant.prepare?.(variant.dir, n)
}

function runOnce(name, n, engine) {
  const variant = variants[name]
  if (variant.state) {
    rmSync(join(variant.dir, variant.state), { recursive: true, force: true })
    const seed = join(variant.dir, `${variant.state}.seed-${n}-${engine}`)
    if (name === 'evalbox' && existsSync(seed))
      cpSync(seed, join(variant.dir, variant.state), { recursive: true })
  }
  const env = { ...process.env, BENCH_N: String(n), NO_COLOR: '1', ...variant.env?.(variant.dir) }
  for (const key of Object.keys(env))
    if (key.startsWith('VITEST') || key.startsWith('EVALBOX_')) delete env[key]
  if (engine === 'none') env.DOCKER_HOST = deadEngine
  const rssFile = join(work, 'rss')
  const started = process.hrtime.bigint()
  const result = spawnSync(
    '/usr/bin/time',
    ['-f', '%M', '-o', rssFile, process.execPath, ...variant.command(n)],
    {
      cwd: variant.dir,
      env,
      encoding: 'utf8',
      maxBuffer: 512 * 1024 * 1024,
    },
  )
  const ms = Number(process.hrtime.bigint() - started) / 1e6
  const out = result.stdout + result.stderr
  if (result.status !== 0 || !variant.passed(n)(out)) {
    console.error(out.slice(-3000))
    throw new Error(
      `${variant.label} with ${n} evals (engine ${engine}): exit ${result.status}, not every eval passed`,
    )
  }
  return { ms, rssKiB: Number(readFileSync(rssFile, 'utf8').trim().split('\n').at(-1)) }
}

const plan = []
for (const engine of engines) {
  for (const n of sizes) plan.push({ engine, n, names: Object.keys(variants) })
  for (const n of ownSizes) plan.push({ engine, n, names: ['plain', 'evalbox'] })
}
// One untimed run of everything first: warms the disk cache and seeds evalbox's previous run.
for (const { engine, n, names } of plan) {
  for (const name of names) {
    runOnce(name, n, engine)
    const variant = variants[name]
    if (name === 'evalbox')
      cpSync(join(variant.dir, variant.state), join(variant.dir, `${variant.state}.seed-${n}-${engine}`), {
        recursive: true,
      })
  }
}
const samples = {}
const key = (engine, n, name) => `${engine}/${n}/${name}`
for (let round = 0; round < rounds; round++) {
  for (const { engine, n, names } of plan) {
    const order = names.map((_, i) => names[(i + round) % names.length])
    for (const name of order) {
      const sample = runOnce(name, n, engine)
      const k = key(engine, n, name)
      samples[k] = [...(samples[k] ?? []), sample]
      console.error(
        `round ${round + 1}: engine ${engine.padEnd(4)} n=${String(n).padStart(5)} ${variants[name].label.padEnd(12)} ${sample.ms.toFixed(0)} ms`,
      )
    }
  }
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  const mid = Math.floor(s.length / 2)
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2
}
const seconds = (ms) => `${(ms / 1000).toFixed(2)} s`
const stat = (engine, n, name) => {
  const list = samples[key(engine, n, name)]
  if (!list) return undefined
  const ms = list.map((s) => s.ms)
  return {
    median: median(ms),
    min: Math.min(...ms),
    max: Math.max(...ms),
    rss: Math.max(...list.map((s) => s.rssKiB)),
  }
}
const names = Object.keys(variants)
const allSizes = [...sizes, ...ownSizes].sort((a, b) => a - b)
const blocks = []
for (const engine of engines) {
  const lines = [
    `Docker engine ${engine === 'up' ? 'up' : `none (DOCKER_HOST=${deadEngine})`}: median of ${rounds} (min–max), ratio to plain Vitest, peak RSS of the largest process`,
    '',
    `| evals | ${names.map((name) => variants[name].label).join(' | ')} |`,
    `| ---: | ${names.map(() => '---:').join(' | ')} |`,
  ]
  for (const n of allSizes) {
    const plain = stat(engine, n, 'plain')
    const cells = names.map((name) => {
      const s = stat(engine, n, name)
      if (!s) return '—'
      const ratio = name === 'plain' ? '' : ` (${(s.median / plain.median).toFixed(2)}×)`
      return `${seconds(s.median)}${ratio}<br>${seconds(s.min)}–${seconds(s.max)}, ${Math.round(s.rss / 1024)} MiB`
    })
    lines.push(`| ${n.toLocaleString('en-US')} | ${cells.join(' | ')} |`)
  }
  lines.push('', `| marginal cost per eval | ${names.map((name) => variants[name].label).join(' | ')} |`)
  lines.push(`| --- | ${names.map(() => '---:').join(' | ')} |`)
  for (let i = 1; i < allSizes.length; i++) {
    const [a, b] = [allSizes[i - 1], allSizes[i]]
    const cells = names.map((name) => {
      const [sa, sb] = [stat(engine, a, name), stat(engine, b, name)]
      return sa && sb ? `${((sb.median - sa.median) / (b - a)).toFixed(3)} ms` : '—'
    })
    lines.push(`| ${a.toLocaleString('en-US')} → ${b.toLocaleString('en-US')} | ${cells.join(' | ')} |`)
  }
  blocks.push(lines.join('\n'))
}
const versions = ['vitest-evals', 'evalite', 'promptfoo']
  .map((name) => `${name} ${version(peersDir, name)}`)
  .join(', ')
const table = `Measured ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, Vitest ${vitestVersion}, ${versions}.\n\n${blocks.join('\n\n')}`
console.log(table)
rmSync(work, { recursive: true, force: true })

if (values.write) {
  const doc = join(root, 'docs', 'performance.md')
  const text = readFileSync(doc, 'utf8')
  if (!text.includes('<!-- peers:start -->'))
    throw new Error('docs/performance.md has no <!-- peers:start --> block')
  writeFileSync(
    doc,
    text.replace(
      /<!-- peers:start -->[\s\S]*<!-- peers:end -->/,
      `<!-- peers:start -->\n${table}\n<!-- peers:end -->`,
    ),
  )
}
