// Issue 12, findings 8 and 9: every LLM judge has confirm-on-fail and votes, the default judge
// models are current, and the docs say what the code does.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { expect, test } from 'vitest'
import { FRAMEWORK_DEFAULTS } from '../src/graders/unit-tests/frameworks.ts'
import type { RunFile, TestEntry } from '../src/store/schema.ts'
import { repoRoot } from './support/paths.ts'
import { copyFixture, readJson, resultFiles, runVitest } from './support/run-vitest.ts'

const doc = (name: string) => readFileSync(join(repoRoot, 'docs', name), 'utf8')

interface Vote {
  round: number
  pass: boolean
  reasoning: string
  costUsd: number
}

test('finding 8: graders.llmJudge confirms a fail, takes a majority of votes, and uses current default models', async () => {
  const dir = copyFixture('judges-and-docs')
  const run = await runVitest(dir, ['--project', 'evals'])
  const output = run.stdout + run.stderr
  const files = resultFiles(join(dir, '.evals')).map((file) => readJson<RunFile>(file))
  const judged = files.find((file) => file.tier === 'llm-judge')
  expect(judged, output).toBeDefined()
  const byName = new Map(judged!.tests.map((entry) => [entry.name, entry] as [string, TestEntry]))
  const grade = (name: string) => byName.get(name)!.grades![0]!

  // Fail, then pass on re-judgement: the fail is not confirmed, the case passes.
  const confirmed = grade('confirm overturns an unconfirmed fail')
  expect(byName.get('confirm overturns an unconfirmed fail')!.passed).toBe(true)
  const confirmVotes = confirmed.metadata!.votes as Vote[]
  expect(confirmVotes.map((v) => [v.round, v.pass, v.reasoning])).toEqual([
    [1, false, 'looks wrong at first'],
    [2, true, 'right on a second look'],
  ])
  expect(confirmed.explanation).toContain('the failing verdict was not confirmed')

  // 2–1 for a pass: the majority decides, each vote and its cost recorded, costs summed into the case.
  const voted = byName.get('three votes, majority decides')!
  expect(voted.passed).toBe(true)
  const votes = voted.grades![0]!.metadata!.votes as Vote[]
  expect(votes.map((v) => [v.pass, v.reasoning])).toEqual([
    [true, 'judge 1'],
    [false, 'judge 2'],
    [true, 'judge 3'],
  ])
  const perVote = (2000 * 0.1 + 200 * 0.5) / 1e6 // claude-haiku-5-5
  for (const vote of votes) expect(vote.costUsd).toBeCloseTo(perVote, 10)
  expect(voted.cost_usd).toBeCloseTo(3 * perVote, 10)
  expect(voted.grades![0]!.metadata!.tokens).toEqual({ input: 6000, output: 600 })

  // The default models: current ones, priced.
  const calls = (name: string) => grade(name).metadata!.calls as { model: string; costUsd: number }[]
  expect(calls('default Anthropic judge model').map((c) => c.model)).toEqual(['claude-haiku-5-5'])
  expect(calls('default OpenAI judge model').map((c) => c.model)).toEqual(['gpt-6.1-terra'])
  expect(byName.get('default OpenAI judge model')!.cost_usd).toBeCloseTo((2000 * 1 + 200 * 5) / 1e6, 10)
})

test('finding 9: scripted agents keep prompt.md, and `skipped` is the count the docs say', async () => {
  const dir = copyFixture('judges-and-docs')
  const run = await runVitest(dir, ['--project', 'evals', 'evals/docs.eval.ts'])
  const results = join(dir, '.evals')
  const e2e = resultFiles(results)
    .map((file) => readJson<RunFile>(file))
    .find((file) => file.tier === 'e2e')
  expect(e2e, run.stdout + run.stderr).toBeDefined()
  const entry = e2e!.tests.find((t) => t.name === 'a scripted agent keeps its prompt')!
  expect(entry.passed).toBe(true)
  expect(readFileSync(join(results, entry.run_dir!, 'prompt.md'), 'utf8')).toBe(
    'Write done.txt, then say done.',
  )

  expect(typeof e2e!.skipped).toBe('number')
  expect(e2e!.skipped).toBe(e2e!.not_run!.length)
  const skippedRow = doc('result-format.md')
    .split('\n')
    .find((line) => line.startsWith('| `skipped`'))
  expect(skippedRow).toMatch(/\*\*number\*\* of tests that did not run/)
})

test('finding 9: the documented default test commands are the real ones', () => {
  const rows = new Map(
    doc('graders.md')
      .split('\n')
      .map((line) => /^\| (\w+)\s+\| `(.+?)`\s+\|/.exec(line))
      .filter((m): m is RegExpExecArray => m !== null && m[1]! in FRAMEWORK_DEFAULTS)
      .map((m) => [m[1]!, m[2]!]),
  )
  expect([...rows.keys()].sort()).toEqual(Object.keys(FRAMEWORK_DEFAULTS).sort())
  for (const [framework, command] of rows)
    expect(command, framework).toBe(FRAMEWORK_DEFAULTS[framework as keyof typeof FRAMEWORK_DEFAULTS].command)
  // Nor does an example describe pytest as run some other way.
  expect(readFileSync(join(repoRoot, 'examples', 'unit-tests', 'README.md'), 'utf8')).not.toContain(
    'python3 -m pytest`',
  )
})

/** The imports of a fragment that has none. */
const IMPORTS = `import { agents, describeEval, evalTest, graders, type Agent } from 'evalbox'`
/** The user's own helpers the examples call, declared (unless the block defines them). */
const HELPERS: Record<string, string> = {
  askModel: 'declare function askModel(prompt: string): Promise<string>',
  jaccard: 'declare function jaccard(a: string, b: string): number',
  agent: "declare const agent: import('evalbox').Agent",
}
const helpersFor = (code: string) =>
  Object.entries(HELPERS)
    .filter(([name]) => !new RegExp(`(?:const|function) ${name}\\b`).test(code))
    .map(([, line]) => line)
    .join('\n')

test('finding 9: the TypeScript blocks of docs/writing-evals.md and docs/graders.md compile under tsc --strict', () => {
  const work = mkdtempSync(join(repoRoot, 'e2e', '.tmp', 'docs-ts-'))
  const files: string[] = []
  for (const page of ['writing-evals.md', 'graders.md']) {
    const blocks = [...doc(page).matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!)
    expect(blocks.length, page).toBeGreaterThan(0)
    blocks.forEach((code, i) => {
      const own = code.includes("from 'evalbox'")
      // A block with its own imports is a whole file; a fragment gets the names it uses.
      const text = `${own ? '' : IMPORTS}\n${code}\n${helpersFor(code)}\nexport {}\n`
      const name = `${page.replace('.md', '')}-${i + 1}.ts`
      writeFileSync(join(work, name), text)
      files.push(name)
    })
  }
  writeFileSync(
    join(work, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        strict: true,
        noEmit: true,
        target: 'es2022',
        module: 'nodenext',
        moduleResolution: 'nodenext',
        skipLibCheck: true,
        types: ['node'],
        typeRoots: [join(repoRoot, 'node_modules', '@types')],
        noUnusedLocals: false,
      },
      files,
    }),
  )
  // `evalbox` resolves to the built package by self-reference: work is inside the repo.
  let out = ''
  try {
    execFileSync(process.execPath, [join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', work], {
      cwd: work,
      encoding: 'utf8',
    })
  } catch (error) {
    out = String((error as { stdout?: string }).stdout ?? error)
  }
  expect(out).toBe('')
})

test('the package is self-contained: every file the README and the docs link to is in the tarball', () => {
  const packed = JSON.parse(
    execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
      cwd: repoRoot,
      encoding: 'utf8',
    }),
  ) as { files: { path: string }[] }[]
  const files = new Set(packed[0]!.files.map((file) => file.path))
  for (const required of ['LICENSE', 'README.md', 'scripts/build-base-image.sh', 'dist/cli.js'])
    expect(files, required).toContain(required)

  const pages = ['README.md', ...[...files].filter((path) => /^docs\/[^/]+\.md$/.test(path))]
  const missing: string[] = []
  for (const page of pages) {
    const text = readFileSync(join(repoRoot, page), 'utf8')
    for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^(https?:|mailto:|#)/.test(target!)) continue
      const path = join(
        page.includes('/') ? page.slice(0, page.lastIndexOf('/')) : '',
        target!.split('#')[0]!,
      )
      if (!files.has(path.replaceAll('\\', '/'))) missing.push(`${page} → ${target}`)
    }
  }
  expect(missing).toEqual([])

  const pkg = readJson<{ license: string; repository?: { url: string }; homepage?: string; bugs?: unknown }>(
    join(repoRoot, 'package.json'),
  )
  expect(pkg.license).toBe('MIT')
  expect(readFileSync(join(repoRoot, 'LICENSE'), 'utf8')).toContain('MIT License')
  expect(pkg.repository?.url).toMatch(/github\.com/)
  expect(pkg.homepage).toBeDefined()
  expect(pkg.bugs).toBeDefined()
  // The examples, which are not shipped, are linked by URL from the README.
  expect(readFileSync(join(repoRoot, 'README.md'), 'utf8')).toMatch(
    /\]\(https:\/\/github\.com\/[^)]+\/examples\)/,
  )
})
