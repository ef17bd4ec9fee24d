import type { ContextArtifact } from './artifact-types.ts'

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`
}

/**
 * The short text that stands in the context for an output moved into an artifact: what it
 * is, its id, kind and size, and the three calls that recover details from it. A few hundred
 * characters, whatever the artifact's size.
 *
 * @example
 * formatReference(artifact, 'npm test output')
 * // [artifact art-1a2b3c4d5e6f · command_stdout · 2400 lines · 151234 bytes] npm test output
 * // Not shown inline. Recover details from it with:
 * //   read_artifact {"id":"art-1a2b3c4d5e6f","offset":1,"limit":200}  (a page of lines)
 * //   ...
 */
export function formatReference(artifact: ContextArtifact, title: string): string {
  const id = JSON.stringify(artifact.id)
  const size = `${plural(artifact.lineCount, 'line')} · ${plural(artifact.byteCount, 'byte')}`
  const heading = `[artifact ${artifact.id} · ${artifact.kind} · ${size}]`
  return [
    title.trim() === '' ? heading : `${heading} ${title.trim()}`,
    'Not shown inline. Recover details from it with:',
    `  read_artifact {"id":${id},"offset":1,"limit":200}  (a page of lines, 1-based)`,
    `  grep_artifact {"id":${id},"query":"<text or regex>"}  (matching lines with numbers)`,
    `  tail_artifact {"id":${id},"lines":50}  (the last lines)`,
  ].join('\n')
}
