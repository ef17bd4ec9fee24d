import { beforeAll, describe, type TestContext, test } from 'vitest'
import { DEFAULT_GRADE_TIMEOUT_MS, DEFAULT_TIMEOUT_MS } from '../core/defaults.ts'
import { warmUpSandbox } from '../sandbox/open.ts'
import type { SandboxOption } from '../sandbox/spec.ts'
import { runCase } from './case/run-case.ts'
import { type CaseSpec, caseSandboxSpec } from './case/spec.ts'
import type { EvalContext } from './context.ts'
import { definitionLine } from './definition-line.ts'
import {
  type DescribeEvalOptions,
  type EvalOptions,
  type EvalRow,
  type EvalTestOptions,
  validateDescribeEvalOptions,
  validateEvalTestOptions,
  validateRows,
} from './options.ts'
import './meta.ts'
import { getRunSettings } from './settings.ts'

/** An eval body: gets the case context; may call `run()`, `grade()` and use `expect`. */
export type EvalBody = (ctx: EvalContext) => unknown

/**
 * Defines one eval case (one Vitest test per repeat). Options are validated now, so a bad
 * option fails the file at collection with a message naming the eval, field and value.
 *
 * @example
 * evalTest('answers with the capital', {
 *   task: async () => askModel('Capital of France?'),
 *   graders: [graders.contains('Paris')],
 * })
 */
export function evalTest<Input = unknown>(
  name: string,
  options: EvalTestOptions<Input>,
  body?: EvalBody,
): void {
  const line = definitionLine()
  const valid = validateEvalTestOptions<Input>(name, options)
  const input: unknown = valid.input ?? (typeof valid.prompt === 'string' ? valid.prompt : undefined)
  warmUpBefore(valid as EvalOptions, undefined)
  defineCases(name, valid, { input: input as Input, expected: valid.expected }, body, line)
}

/**
 * Defines a group of eval cases: one concurrent case per data row and per repeat, sharing
 * the options (agent or task, graders, sandbox...).
 */
export function describeEval<Input = unknown>(
  name: string,
  options: DescribeEvalOptions<Input>,
  body?: EvalBody,
): void {
  const line = definitionLine()
  const valid = validateDescribeEvalOptions<Input>(name, options)
  const { data } = valid
  describe(name, async () => {
    const rows = typeof data === 'function' ? validateRows<Input>(name, await data()) : data
    const seen = new Map<string, number>()
    let hooked = false
    for (const row of rows) {
      if (!hooked) hooked = warmUpBefore(valid as EvalOptions, row.sandbox)
      const base = row.name ?? preview(row.input)
      const count = (seen.get(base) ?? 0) + 1
      seen.set(base, count)
      defineCases(count === 1 ? base : `${base} (#${count})`, valid, row, body, line)
    }
  })
}

function defineCases<Input>(
  caseName: string,
  options: EvalOptions<Input>,
  row: Pick<EvalRow<Input>, 'input' | 'expected' | 'metadata' | 'sandbox'>,
  body: EvalBody | undefined,
  line: number | undefined,
): void {
  const repeats = options.repeats ?? 1
  const settings = getRunSettings()
  const timeout =
    (options.timeout ?? settings?.timeout ?? DEFAULT_TIMEOUT_MS) +
    (options.gradeTimeout ?? DEFAULT_GRADE_TIMEOUT_MS)
  for (let repeat = 1; repeat <= repeats; repeat++) {
    const testName = repeats > 1 ? `${caseName} (repeat ${repeat}/${repeats})` : caseName
    const spec: CaseSpec = {
      testName,
      caseName,
      suite: '',
      repeat,
      repeats,
      options: options as EvalOptions,
      input: row.input,
      expected: row.expected,
      rowMetadata: row.metadata,
      rowSandbox: row.sandbox,
      body,
    }
    const meta = { evalboxTier: options.tier ?? 'e2e', ...(line !== undefined && { evalboxLine: line }) }
    const { skip } = options
    concurrentTest()(testName, { timeout, retry: options.retry ?? 0, meta }, (context: TestContext) =>
      // A skipped eval still runs this function so that its reason is recorded with the skip.
      skip
        ? context.skip(typeof skip === 'string' ? skip : undefined)
        : runCase({ ...spec, suite: suiteOf(context) }, context),
    )
  }
}

// Each read of `test.concurrent` builds a new chain function: read once.
let concurrent: typeof test.concurrent | undefined
const concurrentTest = () => (concurrent ??= test.concurrent)

/**
 * Before the first docker case of a suite, the worker loads the Docker client (once per
 * process; see `warmUpSandbox`). Returns whether it added the hook.
 */
function warmUpBefore(options: EvalOptions, rowSandbox: SandboxOption | undefined): boolean {
  const settings = getRunSettings()
  const warming = settings && warmUpSandbox(caseSandboxSpec(options, rowSandbox, settings), settings)
  if (!warming) return false
  beforeAll(() => warming)
  return true
}

/** The describe chain of a test (`outer > inner`), or its file when it has none. */
function suiteOf(context: TestContext): string {
  const names: string[] = []
  for (
    let suite = context.task.suite;
    suite && suite.type === 'suite' && suite !== context.task.file;
    suite = suite.suite
  ) {
    names.unshift(suite.name)
  }
  return names.length > 0 ? names.join(' > ') : context.task.file.name
}

/** A short, stable name for a data row. */
function preview(input: unknown): string {
  const text = typeof input === 'string' ? input : (JSON.stringify(input) ?? String(input))
  const line = text.replace(/\s+/g, ' ').trim()
  return line.length > 60 ? `${line.slice(0, 57)}...` : line || '(empty input)'
}
