import * as z from 'zod'
import { lazy } from '../../core/lazy.ts'
import { check } from '../../core/validate.ts'
import type { ModelClient } from '../../models/index.ts'
import {
  askForJson,
  independentJudgement,
  type JudgedVerdict,
  type JudgeParse,
  type JudgeVoting,
  judgeByVotes,
} from '../judge-model.ts'
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

const answerSchema = lazy(() =>
  z.object({
    bugs: z.array(
      z.object({
        id: z.string(),
        detected: z.boolean(),
        evidence: z.number().int().min(0).max(3),
      }),
    ),
    false_positives: z.number().int().nonnegative(),
    reasoning: z.string().default(''),
  }),
)

function parseVerdict(truth: GroundTruth, value: unknown): JudgeParse<ModelVerdict> {
  const result = check(answerSchema(), value, { max: 1 })
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
export function judgePassed(
  counts: { detection_rate: number; false_positives: number; evidence_quality: number },
  truth: GroundTruth,
): boolean {
  return (
    counts.detection_rate >= truth.minimum_detection &&
    counts.false_positives <= truth.max_false_positives &&
    counts.evidence_quality >= 2
  )
}

function counts(verdict: ModelVerdict) {
  return {
    detection_rate: verdict.detected.length,
    false_positives: verdict.falsePositives,
    evidence_quality: verdict.evidenceQuality,
  }
}

/**
 * Asks the model to judge the review, through the shared voting of every LLM judge
 * (`votes`, `confirm`: see `judgeByVotes`). Each vote records the seed-002 counts.
 */
export function judgeReview(
  client: ModelClient,
  truth: GroundTruth,
  report: string,
  options: JudgeVoting & { signal?: AbortSignal },
): Promise<JudgedVerdict<ModelVerdict>> {
  const user = userMessage(truth, report)
  return judgeByVotes<ModelVerdict>(options, {
    ask: (n) =>
      askForJson(
        client,
        {
          system: independentJudgement(SYSTEM, n),
          messages: [{ role: 'user', content: user }],
          signal: options.signal,
        },
        (value) => parseVerdict(truth, value),
      ),
    passes: (verdict) => judgePassed(counts(verdict), truth),
    reasoning: (verdict) => verdict.reasoning,
    record: counts,
  })
}
