import { extname } from 'node:path'
import * as z from 'zod'
import { graderConfig } from '../../core/errors.ts'
import { lazy } from '../../core/lazy.ts'
import { defineGrader, type GraderVerdict, graderOptions, judgeModelSchema } from '../define.ts'
import {
  describeVotes,
  type JudgeModel,
  type JudgeVoting,
  judgeCost,
  judgeVotingShape,
  lazyJudgeClient,
} from '../judge-model.ts'
import type { Grader, GraderContext } from '../types.ts'
import { parseFindings } from './findings.ts'
import { type GroundTruth, type GroundTruthInput, loadGroundTruth, parseGroundTruth } from './ground-truth.ts'
import { judgePassed, judgeReview } from './llm-verdict.ts'
import { type MatchOptions, matchFindings } from './match.ts'
import { type ReportSource, readReport } from './report-source.ts'

/** Ground truth: a JSON file path, the object, or a function of the case (for data rows). */
export type GroundTruthOption =
  | string
  | GroundTruthInput
  | ((ctx: GraderContext) => string | GroundTruthInput | Promise<string | GroundTruthInput>)

/** Options of `graders.plantedBugs`. */
export interface PlantedBugsOptions extends MatchOptions, JudgeVoting {
  /** Ground truth in the seed-002 format; a relative path resolves against the current directory. */
  groundTruth: GroundTruthOption
  /** Where the review is. @default 'output' */
  report?: ReportSource
  /**
   * `'match'`: deterministic matching of findings to bugs (see `matchFindings`).
   * `'llm'`: a judge model decides per bug, with confirm-on-fail (`confirm`, on by default)
   * and `votes` as every LLM judge has them.
   * @default 'match'
   */
  judge?: 'match' | 'llm'
  /** The judge model (`judge: 'llm'`). @default the environment's (`EVALBOX_JUDGE_MODEL`...) */
  model?: JudgeModel
  /** Grade name. @default 'plantedBugs' */
  name?: string
}

const optionsSchema = lazy(() =>
  z.strictObject({
    groundTruth: z.custom<unknown>(
      (v) =>
        (typeof v === 'string' && v !== '') ||
        typeof v === 'function' ||
        (typeof v === 'object' && v !== null),
      'must be a ground-truth JSON path, the ground truth itself or a function of the case',
    ),
    report: z
      .union(
        [
          z.literal('output'),
          z.strictObject({ file: z.string().min(1) }),
          z.custom((v) => typeof v === 'function'),
        ],
        "must be 'output', { file: 'review.md' } or a function",
      )
      .optional(),
    judge: z.enum(['match', 'llm']).optional(),
    model: judgeModelSchema().optional(),
    ...judgeVotingShape(),
    name: z.string().min(1).optional(),
    lineTolerance: z.number().int().nonnegative().optional(),
    minKeywords: z.number().int().nonnegative().optional(),
    minExplanationWords: z.number().int().nonnegative().optional(),
  }),
)

function resolveTruth(option: GroundTruthOption): (ctx: GraderContext) => Promise<GroundTruth> {
  if (typeof option === 'function')
    return async (ctx) => {
      const value = await option(ctx)
      return typeof value === 'string' ? loadGroundTruth(value) : parseGroundTruth(value)
    }
  const truth = typeof option === 'string' ? loadGroundTruth(option) : parseGroundTruth(option)
  return async () => truth
}

function summary(truth: GroundTruth, detected: string[], missed: string[], fp: number, eq: number): string {
  const total = truth.bugs.length
  const parts = [
    `detected ${detected.length}/${total} planted bugs${detected.length ? ` (${detected.join(', ')})` : ''}`,
  ]
  if (missed.length) parts.push(`missed ${missed.join(', ')}`)
  parts.push(`${fp} false positive${fp === 1 ? '' : 's'}`, `evidence quality ${eq}/3`)
  const needs: string[] = []
  if (detected.length < truth.minimum_detection) needs.push(`≥ ${truth.minimum_detection} detected`)
  if (fp > truth.max_false_positives) needs.push(`≤ ${truth.max_false_positives} false positives`)
  if (eq < 2) needs.push('evidence quality ≥ 2')
  return `${parts.join('; ')}${needs.length ? ` — needs ${needs.join(', ')}` : ''}`
}

/**
 * Grades a code review against planted bugs (seed-002 rule): passes when detected ≥
 * `minimum_detection`, false positives ≤ `max_false_positives` and evidence quality ≥ 2.
 * Score: detected / planted. `metadata.entry` carries `detection_rate` (a count),
 * `false_positives`, `evidence_quality` (0..3), `detected_bugs` and `missed_bugs`.
 *
 * Evidence quality (both modes): 3 when every detected bug is cited with file, line and an
 * explanation; 2 when at least half of them are cited by file and line or file and keywords;
 * 1 when bugs are only mentioned vaguely; 0 when none is mentioned.
 *
 * @example graders.plantedBugs({ groundTruth: 'cases/c1/ground-truth.json', report: { file: 'review.md' } })
 */
export function plantedBugs(options: PlantedBugsOptions): Grader {
  if (typeof options === 'object' && options !== null && 'confirmOnFail' in options)
    throw graderConfig(
      'graders.plantedBugs(): `confirmOnFail` is gone; every LLM judge now takes `confirm` (re-judge a failing verdict, on by default here) and `votes: n` (an odd number of judgements, majority wins). Replace `confirmOnFail: 2` with `votes: 3`, or `confirmOnFail: 0` with `confirm: false`.',
    )
  graderOptions('graders.plantedBugs()', optionsSchema(), options)
  const judge = options.judge ?? 'match'
  const voting: JudgeVoting = { votes: options.votes, confirm: options.confirm ?? true }
  const report = options.report ?? 'output'
  const truthFor = resolveTruth(options.groundTruth)
  const client = lazyJudgeClient(options.model)

  return defineGrader(
    options.name ?? 'plantedBugs',
    async (ctx): Promise<GraderVerdict> => {
      const truth = await truthFor(ctx)
      const text = await readReport(report, ctx)
      if ('missing' in text) {
        const entry = {
          detection_rate: 0,
          false_positives: 0,
          evidence_quality: 0,
          detected_bugs: [],
          missed_bugs: truth.bugs.map((b) => b.id),
        }
        return { score: 0, pass: false, explanation: text.missing, metadata: { entry } }
      }
      if (judge === 'match') return byMatching(truth, text.text, options)
      const judged = await judgeReview(client(), truth, text.text, { ...voting, signal: ctx.signal })
      const cost = judgeCost(judged.calls)
      if (!judged.value)
        return {
          score: null,
          pass: false,
          explanation: `the judge model gave no usable verdict: ${judged.error}`,
          metadata: { ...cost },
        }
      const v = judged.value
      const entry = {
        detection_rate: v.detected.length,
        false_positives: v.falsePositives,
        evidence_quality: v.evidenceQuality,
        detected_bugs: v.detected,
        missed_bugs: v.missed,
      }
      return {
        score: v.detected.length / truth.bugs.length,
        pass: judged.pass,
        explanation: `${summary(truth, v.detected, v.missed, v.falsePositives, v.evidenceQuality)}${describeVotes(judged)}`,
        metadata: { entry, votes: judged.votes, evidence: v.evidence, reasoning: v.reasoning, ...cost },
      }
    },
    { needsSandbox: typeof report === 'object' },
  )
}

function byMatching(truth: GroundTruth, report: string, options: MatchOptions): GraderVerdict {
  const extensions = truth.bugs.map((bug) => extname(bug.file).slice(1)).filter(Boolean)
  const findings = parseFindings(report, extensions)
  const m = matchFindings(truth, findings, options)
  const entry = {
    detection_rate: m.detected.length,
    false_positives: m.falsePositives.length,
    evidence_quality: m.evidenceQuality,
    detected_bugs: m.detected,
    missed_bugs: m.missed,
  }
  const falsePositives = m.falsePositives.map((i) => findings[i - 1]!.text.replace(/\s+/g, ' ').slice(0, 160))
  return {
    score: m.detected.length / truth.bugs.length,
    pass: judgePassed(entry, truth),
    explanation: summary(truth, m.detected, m.missed, entry.false_positives, m.evidenceQuality),
    metadata: { entry, evidence: m.evidence, foundBy: m.foundBy, findings: findings.length, falsePositives },
  }
}
