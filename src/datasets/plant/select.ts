import { basename } from 'node:path'
import type { Mutation, OperatorName } from './operators.ts'
import { shuffled } from './prng.ts'

/** A mutation in a file of the fixture. */
export interface Candidate {
  readonly file: string
  readonly mutation: Mutation
  /** Line of the mutation in the clean file. */
  readonly line: number
}

/**
 * Candidates in the order they are tried: each operator's candidates shuffled, the
 * operators shuffled, then taken in turn so that cases mix operators. Same seed, same order.
 */
export function orderCandidates(candidates: readonly Candidate[], random: () => number): Candidate[] {
  const groups = new Map<OperatorName, Candidate[]>()
  for (const c of candidates) {
    const group = groups.get(c.mutation.operator) ?? []
    group.push(c)
    groups.set(c.mutation.operator, group)
  }
  const queues = shuffled([...groups.keys()], random).map((op) => shuffled(groups.get(op)!, random))
  const ordered: Candidate[] = []
  for (let round = 0; ordered.length < candidates.length; round++)
    for (const queue of queues) if (round < queue.length) ordered.push(queue[round]!)
  return ordered
}

/** Bugs of one case closer than this (in lines) could be found by one finding. */
const MIN_LINE_GAP = 5

/**
 * Whether `c` may join `picked` in one workspace: no overlap and a few lines apart from the
 * others in its file, and (when `distinctFunctions`) in a function none of them is in.
 */
export function fitsWith(c: Candidate, picked: readonly Candidate[], distinctFunctions: boolean): boolean {
  return picked.every((p) => {
    if (p.file !== c.file) return true
    if (Math.abs(p.line - c.line) < MIN_LINE_GAP) return false
    if (c.mutation.start < p.mutation.end && p.mutation.start < c.mutation.end) return false
    return !distinctFunctions || p.mutation.functionName !== c.mutation.functionName
  })
}

/** Makes ids unique within a run: `off-by-one-paginate`, `off-by-one-paginate-2`... */
export function idAllocator(): (c: Candidate) => string {
  const used = new Set<string>()
  return (c) => {
    const where = c.mutation.functionName ?? basename(c.file).replace(/\.[^.]+$/, '')
    const base = `${c.mutation.operator}-${where}`.replace(/[^A-Za-z0-9_.-]+/g, '-')
    let id = base
    for (let n = 2; used.has(id); n++) id = `${base}-${n}`
    used.add(id)
    return id
  }
}
