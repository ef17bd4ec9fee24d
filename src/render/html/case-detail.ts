import type { SizedTestEntry } from '../../store/read-results.ts'
import type { TestEntry } from '../../store/schema.ts'
import { capText, readKeptFile } from './kept-file.ts'
import { toolCallList } from './tool-call-list.ts'
import type { CaseDetail, ReportGrade, TextBlock, ToolCallList } from './types.ts'

/** Size limits for what a report embeds per case. */
export interface DetailLimits {
  /** Cap on each embedded output, patch and error, in bytes. */
  maxTextBytes: number
  /** Cap on the transcript read to list tool calls, in bytes. */
  maxTranscriptBytes: number
  /** Most tool calls listed per case. */
  maxToolCalls: number
}

// Grader explanations are prose; a grader that pastes a whole test log into one is cut sooner.
const EXPLANATION_MAX_BYTES = 20_000

function grades(test: TestEntry): ReportGrade[] {
  return (test.grades ?? []).map((grade) => {
    const explanation = capText(grade.explanation, EXPLANATION_MAX_BYTES)
    return {
      name: grade.name,
      score: grade.score,
      pass: grade.pass,
      explanation: explanation.truncated ? `${explanation.text} … (truncated)` : explanation.text,
    }
  })
}

function output(dir: string, test: SizedTestEntry, limits: DetailLimits, notes: string[]): TextBlock | null {
  if (test.output !== undefined) {
    const block = capText(test.output, limits.maxTextBytes)
    // An output already cut when the run file was read: the page says how long it really was.
    const full = test.output_bytes
    return full !== undefined && full > block.bytes ? { ...block, truncated: true, bytes: full } : block
  }
  const path = test.artifacts?.output
  if (!path) return null
  const kept = readKeptFile(dir, path, limits.maxTextBytes, 'output')
  if (kept.ok) return kept.block
  notes.push(kept.note)
  return null
}

function summaryNote(summary: Record<string, number> | undefined): string {
  const parts = Object.entries(summary ?? {}).map(([tool, n]) => `${tool} ${n}`)
  return parts.length > 0 ? ` Tool calls by name: ${parts.join(', ')}.` : ''
}

function tools(dir: string, test: TestEntry, limits: DetailLimits, notes: string[]): ToolCallList | null {
  const path = test.artifacts?.transcript
  if (path) {
    const kept = readKeptFile(dir, path, limits.maxTranscriptBytes, 'transcript')
    if (kept.ok) {
      if (kept.block.truncated) {
        notes.push(
          `The transcript is ${kept.block.bytes} bytes; only calls in its first ${limits.maxTranscriptBytes} bytes are listed.`,
        )
      }
      return toolCallList(kept.block.text, path, limits.maxToolCalls)
    }
    notes.push(`${kept.note}${summaryNote(test.tool_summary)}`)
    return null
  }
  if (test.transcript) return toolCallList(test.transcript, 'inline transcript', limits.maxToolCalls)
  notes.push(`No transcript was kept for this case.${summaryNote(test.tool_summary)}`)
  return null
}

function patch(dir: string, test: TestEntry, limits: DetailLimits, notes: string[]): TextBlock | null {
  const path = test.harvest?.patchPath || test.artifacts?.patch
  if (!path) {
    if (test.harvest) notes.push('The agent changed no files (empty patch).')
    return null
  }
  const kept = readKeptFile(dir, path, limits.maxTextBytes, 'patch')
  if (kept.ok) return kept.block
  notes.push(kept.note)
  return null
}

/**
 * What the side-by-side view shows for one test: output, error, grades, tool calls (read
 * from the kept transcript) and the patch (read from the kept diff). Kept files that are
 * missing, unreadable or outside `dir` become notes, never errors.
 */
export function caseDetail(dir: string, test: SizedTestEntry, limits: DetailLimits): CaseDetail {
  const notes: string[] = []
  return {
    output: output(dir, test, limits, notes),
    error: test.error ? capText(test.error, limits.maxTextBytes) : null,
    grades: grades(test),
    toolCalls: tools(dir, test, limits, notes),
    patch: patch(dir, test, limits, notes),
    notes,
  }
}

/** Rough size a detail adds to the page, for the report's size budget. */
export function detailSize(detail: CaseDetail): number {
  let size = 0
  for (const block of [detail.output, detail.error, detail.patch]) size += block?.text.length ?? 0
  for (const call of detail.toolCalls?.calls ?? []) size += call.length + 4
  for (const grade of detail.grades) size += grade.explanation.length + grade.name.length
  return size
}
