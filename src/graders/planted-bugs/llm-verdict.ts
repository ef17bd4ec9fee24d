import { z } from 'zod'
import { check } from '../../core/validate.ts'
import type { ModelClient } from '../../models/index.ts'
import { askForJson, type JudgeCall, type JudgeParse } from '../judge-model.ts'
import type { GroundTruth } from './ground-truth.ts'
import { type EvidenceLevel, overallEvidence } from './match.ts'

/** A judge model's verdict on a review, in the matcher's terms. */
export interface ModelVerdict {
  readonly detected: string[]
  readonly missed: string[]
  readonly falsePositives: number
  readonly evidence: Record<string, EvidenceLevel>
  readonly evidenceQuality: EvidenceLevel
  readonly reasoning: string
}

/** One judgement in a confirm-on-fail round. */
export interface Vote {
  readonly pass: boolean
  readonly detection_rate: number
  readonly false_positives: number
  readonly evidence_quality: number
}

const SYSTEM = `You grade a code review against bugs that were planted in the code on purpose.
For each planted bug, decide whether the review reports it: the review must point at the same
defect (same file and place, or an unmistakable description of it), not merely the same area.
Rate the evidence the review gives for each bug, 0 to 3:
3 = names the file and the line and explains what is wrong;
2 = names the file and the line, or the file and the function/identifiers involved;
1 = vague: the defect can be recognised but its place is not given;
0 = not mentioned.
Count false positives: reported problems that match none of the planted bugs and are not real defects.
Answer with only a JSON object:
{"bugs":[{"id":"<bug id>","detected":true|false,"evidence":0-3}],"false_positives":<integer>,"reasoning":"<two or three sentences>"}`

const answerSchema = z.object({
  bugs: z.array(
    z.object({
      id: z.string(),
      detected: z.boolean(),
      evidence: z.number().int().min(0).max(3),
    }),
  ),
  false_positives: z.number().int().nonnegative(),
  reasoning: z.string().default(''),
})

function parseVerdict(truth: GroundTruth, value: unknown): JudgeParse<ModelVerdict> {
  const result = check(answerSchema, value, { max: 1 })
  if (!result.ok) return { error: result.problem }
  const byId = new Map(result.data.bugs.map((bug) => [bug.id, bug]))
  const lacking = truth.bugs.filter((bug) => !byId.has(bug.id)).map((bug) => bug.id)
  if (lacking.length > 0) return { error: `the answer has no entry for the bugs ${lacking.join(', ')}` }
  const evidence: Record<string, EvidenceLevel> = {}
  for (const bug of truth.bugs) evidence[bug.id] = byId.get(bug.id)!.evidence as EvidenceLevel
  const flags = truth.bugs.map((bug) => byId.get(bug.id)!.detected)
  return {
    value: {
      detected: truth.bugs.filter((_, i) => flags[i]).map((bug) => bug.id),
      missed: truth.bugs.filter((_, i) => !flags[i]).map((bug) => bug.id),
      falsePositives: result.data.false_positives,
      evidence,
      evidenceQuality: overallEvidence(
        truth.bugs.map((bug) => evidence[bug.id]!),
        flags,
      ),
      reasoning: result.data.reasoning,
    },
  }
}

function userMessage(truth: GroundTruth, report: string): string {
  const bugs = truth.bugs.map((bug) => ({
    id: bug.id,
    file: bug.file,
    lines: bug.lines,
    description: bug.description,
  }))
  return `Planted bugs:\n${JSON.stringify(bugs, null, 2)}\n\nThe review:\n<review>\n${report}\n</review>`
}

/** The seed-002 pass rule. */
export function judgePassed(verdict: Vote | Omit<Vote, 'pass'>, truth: GroundTruth): boolean {
  return (
    verdict.detection_rate >= truth.minimum_detection &&
    verdict.false_positives <= truth.max_false_positives &&
    verdict.evidence_quality >= 2
  )
}

function toVote(verdict: ModelVerdict, truth: GroundTruth): Vote {
  const counts = {
    detection_rate: verdict.detected.length,
    false_positives: verdict.falsePositives,
    evidence_quality: verdict.evidenceQuality,
  }
  return { pass: judgePassed(counts, truth), ...counts }
}

/** The outcome of `judgeReview`: the verdict kept, every vote, and the calls made. */
export interface JudgedReview {
  /** Undefined when the first judgement was unusable twice. */
  readonly verdict: ModelVerdict | undefined
  readonly pass: boolean
  readonly votes: Vote[]
  readonly calls: JudgeCall[]
  readonly error?: string
}

/**
 * Asks the model to judge the review. When the verdict fails, asks up to `confirmOnFail` more
 * times (each a distinct request, so the cache does not replay the first) and keeps the
 * majority; it stops as soon as the majority is settled. The verdict kept is the first that
 * agrees with the majority. Unusable re-judgements cast no vote.
 */
export async function judgeReview(
  client: ModelClient,
  truth: GroundTruth,
  report: string,
  options: { confirmOnFail: number; signal?: AbortSignal },
): Promise<JudgedReview> {
  const calls: JudgeCall[] = []
  const verdicts: ModelVerdict[] = []
  const votes: Vote[] = []
  const rounds = 1 + options.confirmOnFail
  const majority = Math.floor(rounds / 2) + 1
  let error: string | undefined
  for (let round = 1; round <= rounds; round++) {
    const system = round === 1 ? SYSTEM : `${SYSTEM}\n\n(Independent judgement ${round} of ${rounds}.)`
    const answer = await askForJson(
      client,
      { system, messages: [{ role: 'user', content: userMessage(truth, report) }], signal: options.signal },
      (value) => parseVerdict(truth, value),
    )
    calls.push(...answer.calls)
    if (answer.value === undefined) {
      error ??= answer.error
      if (round === 1) return { verdict: undefined, pass: false, votes, calls, error }
      continue
    }
    verdicts.push(answer.value)
    votes.push(toVote(answer.value, truth))
    const passes = votes.filter((v) => v.pass).length
    const fails = votes.length - passes
    if (round === 1 && passes === 1) break
    if (passes >= majority || fails >= majority) break
  }
  const passes = votes.filter((v) => v.pass).length
  // A tie (some re-judgements unusable) keeps the failing first verdict.
  const pass = passes * 2 > votes.length
  const kept = verdicts[votes.findIndex((v) => v.pass === pass)]!
  return { verdict: kept, pass, votes, calls, ...(error !== undefined && { error }) }
}
