import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import * as z from 'zod'
import { describeValue, EvalboxError, errorMessage } from '../../core/errors.ts'
import { lazy } from '../../core/lazy.ts'
import { check } from '../../core/validate.ts'

/** One planted bug: where it is, what it is, and words a review of it would likely use. */
export interface PlantedBug {
  readonly id: string
  /** Path relative to the workspace root, with `/` separators. */
  readonly file: string
  /** First and last line (1-based, inclusive) of the bug in the buggy file. */
  readonly lines: readonly [number, number]
  readonly description: string
  /** Identifiers and terms a finding about this bug is expected to name. */
  readonly keywords: readonly string[]
}

/** The planted-bug ground truth of one case (seed-002 format, `lines` or `line_range`). */
export interface GroundTruth {
  readonly bugs: readonly PlantedBug[]
  /** Bugs a review must detect to pass. */
  readonly minimum_detection: number
  /** False positives a passing review may have. */
  readonly max_false_positives: number
}

/** What `groundTruth` may be given as: the JSON shape, before validation. */
export interface GroundTruthInput {
  bugs: Array<{
    id: string
    file: string
    /** `[start, end]`, or one line. Also accepted under the name `line_range`. */
    lines?: readonly [number, number] | readonly number[] | number
    line_range?: readonly [number, number] | readonly number[] | number
    description: string
    keywords?: readonly string[]
  }>
  minimum_detection: number
  max_false_positives: number
}

const lineNumber = lazy(() => z.number().int().positive())
const lineRange = lazy(() =>
  z.union([
    lineNumber().transform((n): [number, number] => [n, n]),
    z
      .tuple([lineNumber(), lineNumber()])
      .refine(([start, end]) => start <= end, 'the first line must not come after the last'),
    z.tuple([lineNumber()]).transform(([n]): [number, number] => [n, n]),
  ]),
)

const bugSchema = lazy(() =>
  z
    .object({
      id: z.string().min(1),
      file: z.string().min(1),
      lines: lineRange().optional(),
      line_range: lineRange().optional(),
      description: z.string(),
      keywords: z.array(z.string().min(1)).default([]),
    })
    .refine((bug) => bug.lines !== undefined || bug.line_range !== undefined, {
      message: 'give the bug lines as `lines: [start, end]` (or `line_range`)',
      path: ['lines'],
    }),
)

const groundTruthSchema = lazy(() =>
  z
    .object({
      bugs: z.array(bugSchema()).min(1),
      minimum_detection: z.number().int().nonnegative(),
      max_false_positives: z.number().int().nonnegative(),
    })
    .superRefine((truth, issue) => {
      const seen = new Set<string>()
      truth.bugs.forEach((bug, index) => {
        if (seen.has(bug.id))
          issue.addIssue({
            code: 'custom',
            message: `duplicate bug id "${bug.id}"`,
            path: ['bugs', index, 'id'],
          })
        seen.add(bug.id)
      })
      if (truth.minimum_detection > truth.bugs.length)
        issue.addIssue({
          code: 'custom',
          message: `is more than the ${truth.bugs.length} bugs listed`,
          path: ['minimum_detection'],
        })
    }),
)

/**
 * Validates ground truth (an object, or JSON text read from `source`) and normalises it:
 * `line_range` becomes `lines`, a single line becomes `[n, n]`, paths lose a leading `./`.
 * Errors name the field: ``ground truth `bugs[1].lines`: ... (in gt.json)``.
 */
export function parseGroundTruth(value: unknown, source = 'the groundTruth option'): GroundTruth {
  const result = check(groundTruthSchema(), value, { root: 'a ground-truth object' })
  if (!result.ok) {
    throw new EvalboxError(
      'GRADER_CONFIG',
      `Invalid planted-bug ground truth in ${source}: ${result.problem}. ` +
        'Expected { bugs: [{ id, file, lines: [start, end], description, keywords }], minimum_detection, max_false_positives }.',
    )
  }
  const truth = result.data
  return {
    bugs: truth.bugs.map((bug) => ({
      id: bug.id,
      file: normaliseFile(bug.file),
      lines: (bug.lines ?? bug.line_range)!,
      description: bug.description,
      keywords: bug.keywords,
    })),
    minimum_detection: truth.minimum_detection,
    max_false_positives: truth.max_false_positives,
  }
}

/** Reads and validates a ground-truth JSON file (a relative path resolves against `cwd`). */
export function loadGroundTruth(path: string, cwd = process.cwd()): GroundTruth {
  const file = resolve(cwd, path)
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (error) {
    throw new EvalboxError(
      'GRADER_CONFIG',
      `Cannot read the planted-bug ground truth ${describeValue(path)} (${errorMessage(error)}). Pass the path of a ground-truth.json file or the object itself.`,
      { cause: error },
    )
  }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (error) {
    throw new EvalboxError('GRADER_CONFIG', `The ground truth ${file} is not JSON: ${errorMessage(error)}`, {
      cause: error,
    })
  }
  return parseGroundTruth(json, file)
}

/** Workspace-relative path with `/` separators and no leading `./`. */
export function normaliseFile(file: string): string {
  return file.replace(/\\/g, '/').replace(/^(\.\/)+/, '')
}
