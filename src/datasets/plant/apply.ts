import type { PlantedBug } from '../../graders/planted-bugs/ground-truth.ts'
import { describeMutation, type Mutation } from './operators.ts'

/** A mutation chosen for a case, with the file it belongs to and the bug id it gets. */
export interface PlannedBug {
  readonly id: string
  readonly file: string
  readonly mutation: Mutation
}

function lineOf(text: string, offset: number): number {
  let line = 1
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++
  return line
}

/**
 * Applies non-overlapping mutations to one source text. Returns the new text and, for each
 * mutation, its line range in the new text (a removed guard points at the line that now
 * stands where it was).
 */
export function applyMutations(
  source: string,
  mutations: readonly Mutation[],
): { text: string; lines: Array<[number, number]> } {
  const order = mutations.map((m, i) => ({ m, i })).sort((a, b) => a.m.start - b.m.start)
  for (let k = 1; k < order.length; k++)
    if (order[k]!.m.start < order[k - 1]!.m.end)
      throw new Error('overlapping mutations cannot be planted together')
  let text = ''
  let cursor = 0
  const lines: Array<[number, number]> = new Array(mutations.length)
  const spans: Array<{ i: number; start: number; end: number }> = []
  for (const { m, i } of order) {
    text += source.slice(cursor, m.start)
    const start = text.length
    text += m.replacement
    spans.push({ i, start, end: text.length })
    cursor = m.end
  }
  text += source.slice(cursor)
  for (const { i, start, end } of spans) {
    const first = lineOf(text, start)
    lines[i] = [first, end > start ? lineOf(text, end - 1) : first]
  }
  return { text, lines }
}

/** Ground-truth entries for the bugs planted in one file. */
export function bugEntries(
  planned: readonly PlannedBug[],
  lines: ReadonlyArray<[number, number]>,
): PlantedBug[] {
  return planned.map((bug, i) => ({
    id: bug.id,
    file: bug.file,
    lines: lines[i]!,
    description: describeMutation(bug.mutation),
    keywords: [...bug.mutation.keywords],
  }))
}
