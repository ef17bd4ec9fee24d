import { readFile } from 'node:fs/promises'
import { join, relative, resolve } from 'node:path'
import * as z from 'zod'
import { EvalboxError, invalidOptions } from '../../core/errors.ts'
import { lazy } from '../../core/lazy.ts'
import { parseOptions } from '../../core/validate.ts'
import { applyMutations, type PlannedBug } from './apply.ts'
import { defaultTestCommand, listSources } from './files.ts'
import { openMutantChecker } from './mutant-check.ts'
import { findMutations, OPERATORS, type OperatorName } from './operators.ts'
import { mulberry32 } from './prng.ts'
import { type Candidate, fitsWith, idAllocator, orderCandidates } from './select.ts'
import { scan } from './source-scan.ts'
import { tokenize } from './tokenize.ts'
import type { PlantedCase } from './types.ts'
import { writeCase } from './write-case.ts'

export type { PlantedCase } from './types.ts'

/** Options of `plantBugs`. */
export interface PlantBugsOptions {
  /** Folder the cases are written to: `<out>/<case-id>/workspace`, `ground-truth.json`, `bug.diff`. */
  out: string
  /** @default every operator */
  operators?: readonly OperatorName[]
  /** Cases to make (fewer when the tests catch fewer mutants). @default 5 */
  count?: number
  /** Bugs planted in each case's workspace, each caught by the tests on its own. @default 1 */
  bugsPerCase?: number
  /** Seed of the choice of mutants; the same seed and fixture give the same cases. @default 1 */
  seed?: number
  /** The fixture's tests, run in a local sandbox. @default 'node --test', or 'python3 -m pytest -q' for Python fixtures */
  testCommand?: string | readonly string[]
  /** Time limit of one test run; a mutant that hangs the tests is not kept. @default 60000 */
  testTimeoutMs?: number
  /** Globs of fixture files not to plant bugs in (test files never get any). @default [] */
  exclude?: readonly string[]
  /** `minimum_detection` written to each ground truth. @default every bug of the case */
  minimumDetection?: number
  /** `max_false_positives` written to each ground truth. @default 2 */
  maxFalsePositives?: number
  signal?: AbortSignal
}

const positive = lazy(() => z.number().int().positive().optional())

const optionsSchema = lazy(() =>
  z.strictObject({
    out: z.string().min(1, 'must name the folder to write cases to'),
    operators: z.array(z.enum(OPERATORS as [OperatorName, ...OperatorName[]])).optional(),
    count: positive(),
    bugsPerCase: positive(),
    seed: z.number().int().optional(),
    testCommand: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).optional(),
    testTimeoutMs: positive(),
    exclude: z.array(z.string().min(1)).optional(),
    minimumDetection: positive(),
    maxFalsePositives: z.number().int().nonnegative().optional(),
    signal: z.instanceof(AbortSignal).optional(),
  }),
)

function checkOptions(fixture: string, options: PlantBugsOptions) {
  parseOptions(optionsSchema(), options, { api: 'plantBugs()', error: invalidOptions })
  const inside = relative(resolve(fixture), resolve(options.out))
  if (inside === '' || (!inside.startsWith('..') && !inside.startsWith('/')))
    throw new EvalboxError(
      'INVALID_OPTIONS',
      `plantBugs(): \`out\` (${options.out}) must be outside the fixture ${fixture}. Pick another folder.`,
    )
  return {
    count: options.count ?? 5,
    bugsPerCase: options.bugsPerCase ?? 1,
    timeoutMs: options.testTimeoutMs ?? 60_000,
  }
}

/**
 * Makes planted-bug cases from a clean fixture (JS/TS or Python) whose tests pass: mutation
 * operators (off-by-one, flipped comparison, dropped null check, swapped arguments, wrong
 * boolean operator) applied to code tokens only — never inside strings or comments. A
 * mutant is kept only when the fixture's tests fail on it. Each case gets a copy of the
 * fixture with its bug(s) in `workspace/`, a `ground-truth.json` for `graders.plantedBugs`,
 * and `bug.diff`. Deterministic for a seed.
 *
 * @example const cases = await plantBugs('fixtures/shop', { out: '.evals/planted', count: 10 })
 */
export async function plantBugs(fixture: string, options: PlantBugsOptions): Promise<PlantedCase[]> {
  const { count, bugsPerCase, timeoutMs } = checkOptions(fixture, options)
  const sources = await listSources(fixture, options.exclude)
  if (sources.length === 0)
    throw new EvalboxError(
      'INVALID_OPTIONS',
      `No JS/TS or Python source files (other than tests) in ${fixture}`,
    )
  const texts = new Map<string, string>()
  const candidates: Candidate[] = []
  for (const source of sources) {
    const text = await readFile(join(fixture, source.path), 'utf8')
    texts.set(source.path, text)
    const scanned = scan(text, source.language, tokenize(text, source.language))
    for (const mutation of findMutations(scanned, options.operators ?? OPERATORS))
      candidates.push({ file: source.path, mutation, line: text.slice(0, mutation.start).split('\n').length })
  }
  const ordered = orderCandidates(candidates, mulberry32(options.seed ?? 1))
  const command = options.testCommand ?? defaultTestCommand(sources)
  await using checker = await openMutantChecker(fixture, { command, timeoutMs, signal: options.signal })
  const nextId = idAllocator()
  const known = new Map<Candidate, boolean>()
  const mutated = (bugs: readonly Candidate[]) => {
    const files = new Map<string, string>()
    const lines = new Map<Candidate, [number, number]>()
    for (const file of new Set(bugs.map((b) => b.file))) {
      const here = bugs.filter((b) => b.file === file)
      const applied = applyMutations(
        texts.get(file)!,
        here.map((b) => b.mutation),
      )
      files.set(file, applied.text)
      for (const [i, b] of here.entries()) lines.set(b, applied.lines[i]!)
    }
    return { files, lines }
  }
  const caught = async (c: Candidate) => {
    if (!known.has(c)) known.set(c, await checker.caught(mutated([c]).files))
    return known.get(c)!
  }
  const write = async (id: string, bugs: readonly Candidate[], bugIds: readonly string[]) => {
    const { files, lines } = mutated(bugs)
    const planned: PlannedBug[] = bugs.map((c, i) => ({ id: bugIds[i]!, file: c.file, mutation: c.mutation }))
    return writeCase({
      fixture,
      dir: join(options.out, id),
      id,
      originals: texts,
      files,
      planned,
      lines: bugs.map((c) => lines.get(c)!),
      minimumDetection: Math.min(options.minimumDetection ?? bugs.length, bugs.length),
      maxFalsePositives: options.maxFalsePositives ?? 2,
    })
  }

  const cases: PlantedCase[] = []
  const pool = [...ordered]
  // Functions that already have a bug (in this case or an earlier one): tried last, so
  // that bugs spread over the fixture.
  const used = new Set<string>()
  const place = (c: Candidate) => `${c.file}#${c.mutation.functionName ?? ''}`
  while (cases.length < count && pool.length > 0) {
    const picked: Candidate[] = []
    for (const fresh of [true, false]) {
      for (const c of pool) {
        if (picked.length >= bugsPerCase) break
        if (picked.includes(c) || (fresh && used.has(place(c))) || !fitsWith(c, picked, fresh)) continue
        if (await caught(c)) picked.push(c)
      }
    }
    // Another mutant of a picked spot (`<` → `<=` and `<` → `>`) would make a near-identical case.
    for (let k = pool.length - 1; k >= 0; k--) {
      const c = pool[k]!
      if (
        picked.some(
          (p) => p.file === c.file && p.mutation.start < c.mutation.end && c.mutation.start < p.mutation.end,
        )
      )
        pool.splice(k, 1)
    }
    if (picked.length < bugsPerCase) break
    for (const c of picked) used.add(place(c))
    if (bugsPerCase > 1 && !(await checker.caught(mutated(picked).files))) continue
    const bugIds = picked.map(nextId)
    const id = bugsPerCase === 1 ? bugIds[0]! : `planted-${String(cases.length + 1).padStart(2, '0')}`
    cases.push(await write(id, picked, bugIds))
  }
  return cases
}
