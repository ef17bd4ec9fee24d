import { readFile } from 'node:fs/promises'
import type { ArtifactKind } from './artifact-types.ts'
import type { ContextFixture, PayloadSpec } from './fixture-schema.ts'
import type { LoadedFixture } from './load-fixtures.ts'

const DEFAULT_NOISE: Record<PayloadSpec['generator'], string> = {
  'log-lines': 'build log noise',
  'chat-history': 'earlier discussion, nothing decided',
  'source-file': 'generated constant',
}

type LineMaker = (n: number, label: string, filler: string, width: number) => string

// Each filler line carries its number, so no two lines are equal and a grep for noise
// still returns line-numbered, distinguishable hits.
const FILLER: Record<PayloadSpec['generator'], LineMaker> = {
  'log-lines': (n, label, filler, width) => `line ${String(n).padStart(width, '0')}: ${label} ${filler}`,
  'chat-history': (n, label, filler) =>
    JSON.stringify({ turn: n, role: n % 2 === 1 ? 'user' : 'assistant', text: `${label} ${filler}` }),
  'source-file': (n, label, filler, width) =>
    `export const value${String(n).padStart(width, '0')} = '${filler}' // ${label}`,
}

function hiddenLine(spec: PayloadSpec, detail: string): string {
  if (spec.generator !== 'chat-history') return detail
  const n = spec.insertAt
  return JSON.stringify({ turn: n, role: n % 2 === 1 ? 'user' : 'assistant', text: detail })
}

/**
 * Generates a payload from its spec: `spec.lines` filler lines with the hidden detail as
 * line `spec.insertAt`, newline-terminated. Pure and deterministic.
 *
 * @param detail the hidden line's text when the spec gives none (the fixture's expected answer)
 */
export function generatePayload(spec: PayloadSpec, detail: string): string {
  const label = spec.noise ?? DEFAULT_NOISE[spec.generator]
  const filler = 'x'.repeat(spec.padding ?? 48)
  const width = String(spec.lines).length
  const make = FILLER[spec.generator]
  const lines: string[] = new Array(spec.lines)
  for (let n = 1; n <= spec.lines; n++) {
    lines[n - 1] =
      n === spec.insertAt ? hiddenLine(spec, spec.detail ?? detail) : make(n, label, filler, width)
  }
  return `${lines.join('\n')}\n`
}

/** The fixture's payload: its file's text, or what its generator makes. */
export async function buildPayload(fixture: LoadedFixture): Promise<string> {
  if (fixture.payloadPath !== undefined) return readFile(fixture.payloadPath, 'utf8')
  if (fixture.payload === undefined) {
    // The schema requires one of the two; this guards fixtures built by hand.
    throw new Error(`fixture "${fixture.id}" has neither payloadFile nor payload`)
  }
  return generatePayload(fixture.payload, fixture.expectedAnswerContains)
}

/** The artifact kind for a fixture: its `kind`, else guessed from its payload and tags. */
export function fixtureKind(fixture: ContextFixture): ArtifactKind {
  if (fixture.kind !== undefined) return fixture.kind
  if (fixture.payload?.generator === 'chat-history' || fixture.tags.includes('compaction'))
    return 'chat_history'
  if (fixture.payload?.generator === 'source-file') return 'file_content'
  return 'command_stdout'
}
