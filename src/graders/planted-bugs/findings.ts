import { normaliseFile } from './ground-truth.ts'

/** A line range, 1-based and inclusive. */
export type LineRange = readonly [number, number]

/** A place a finding points at: a file, a line range, or both together (`file.js:12`). */
export interface FindingLocation {
  readonly file?: string
  readonly range?: LineRange
}

/** One finding of a review: a list item or a paragraph, with the places it cites. */
export interface Finding {
  /** 1-based position in the review. */
  readonly index: number
  /** `item`: a list item or a heading section; `paragraph`: free text between them. */
  readonly kind: 'item' | 'paragraph'
  readonly text: string
  /** Files cited (its own, else those of the heading it sits under). */
  readonly files: readonly string[]
  /** Places cited; a line without a file is paired with every file the finding names. */
  readonly locations: readonly FindingLocation[]
  /** The text without the places cited (keywords are looked for here). */
  readonly prose: string
  /** Words of explanation besides the places cited. */
  readonly explanationWords: number
}

/** Extensions recognised as file references, besides those of the ground-truth files. */
export const SOURCE_EXTENSIONS = [
  'js',
  'mjs',
  'cjs',
  'jsx',
  'ts',
  'mts',
  'cts',
  'tsx',
  'py',
  'go',
  'rs',
  'java',
  'kt',
  'rb',
  'php',
  'c',
  'h',
  'cc',
  'cpp',
  'hpp',
  'cs',
  'swift',
  'scala',
  'sh',
  'sql',
  'vue',
  'svelte',
]

const LIST_ITEM = /^(\s*)(?:[-*+•]|\d{1,3}[.)])\s+/
const HEADING = /^\s{0,3}#{1,6}\s+(.*)$/
const FENCE = /^\s*(```|~~~)/
// `lines 12-15`, `line 12`, `ln 12`, `L12-L15`: a line reference without a file.
const LOOSE_LINES =
  /\b(?:lines?|ln\.?)\s*(\d{1,6})(?:\s*(?:-|–|—|to|through|and)\s*(\d{1,6}))?|\bL(\d{1,6})(?:\s*[-–—]\s*L?(\d{1,6}))?\b/gi

function fileReference(extensions: readonly string[]): RegExp {
  const ext = [...new Set(extensions.map((e) => e.toLowerCase()))].sort((a, b) => b.length - a.length)
  // A path ending in a known extension, then optionally `:12`, `:12-15`, `:12:5` or `#L12-L15`.
  return new RegExp(
    String.raw`((?:[\w.@~-]+/)*[\w@-][\w.@-]*\.(?:${ext.join('|')}))(?![\w/])(?::(\d{1,6})(?:\s*[-–—]\s*(\d{1,6}))?|#L(\d{1,6})(?:-L?(\d{1,6}))?)?`,
    'gi',
  )
}

function range(start: string | undefined, end: string | undefined): LineRange | undefined {
  if (start === undefined) return undefined
  const a = Number(start)
  const b = end === undefined ? a : Number(end)
  return a <= b ? [a, b] : [b, a]
}

interface Places {
  files: string[]
  paired: FindingLocation[]
  loose: LineRange[]
  /** Text with the references cut out, for counting explanation words. */
  rest: string
}

function places(text: string, fileRe: RegExp): Places {
  const files: string[] = []
  const paired: FindingLocation[] = []
  const loose: LineRange[] = []
  let rest = text.replace(
    fileRe,
    (_match, path: string, l1?: string, l2?: string, h1?: string, h2?: string) => {
      const file = normaliseFile(path)
      if (!files.includes(file)) files.push(file)
      const lines = range(l1 ?? h1, l1 !== undefined ? l2 : h2)
      if (lines) paired.push({ file, range: lines })
      return ' '
    },
  )
  rest = rest.replace(LOOSE_LINES, (_match, a?: string, b?: string, c?: string, d?: string) => {
    const lines = range(a ?? c, a !== undefined ? b : d)
    if (lines) loose.push(lines)
    return ' '
  })
  return { files, paired, loose, rest }
}

function countWords(text: string): number {
  return (text.replace(/[*_`>#[\]()]/g, ' ').match(/[A-Za-z][\w'-]*/g) ?? []).filter((w) => w.length >= 2)
    .length
}

interface Block {
  kind: 'item' | 'paragraph'
  lines: string[]
  heading: Places | undefined
}

/**
 * Splits a review into findings and reads the places each cites.
 *
 * - Each top-level list item (`-`, `*`, `+`, `1.`, `1)`) is a finding, with its indented
 *   continuation lines and sub-lists. Free paragraphs between them are findings of kind
 *   `paragraph`.
 * - Headings are not findings; a finding under a heading that lacks files (or lines) takes
 *   the heading's (`## src/page.js` then `- line 12: ...`). A heading with nothing under it
 *   is a finding itself.
 * - Places: `file.ext:12`, `file.ext:12-15`, `file.ext#L12-L15`, and `line 12` / `lines
 *   12-15` / `L12`, which pair with every file the finding names.
 * - Fenced code blocks stay inside the finding they follow.
 */
export function parseFindings(report: string, extraExtensions: readonly string[] = []): Finding[] {
  const fileRe = fileReference([...SOURCE_EXTENSIONS, ...extraExtensions])
  const lines = report.replace(/\r\n?/g, '\n').split('\n')
  const itemIndents = lines.flatMap((line) => {
    const m = LIST_ITEM.exec(line)
    return m ? [m[1]!.length] : []
  })
  const topIndent = itemIndents.length > 0 ? Math.min(...itemIndents) : 0
  const blocks: Block[] = []
  let current: Block | undefined
  let heading: { places: Places; text: string; used: boolean } | undefined
  let inFence = false
  let blankBefore = false

  const closeHeading = () => {
    if (heading && !heading.used) blocks.push({ kind: 'item', lines: [heading.text], heading: undefined })
  }
  for (const line of lines) {
    if (inFence || FENCE.test(line)) {
      if (FENCE.test(line)) inFence = !inFence
      if (!current) {
        current = { kind: 'paragraph', lines: [], heading: heading?.places }
        blocks.push(current)
        if (heading) heading.used = true
      }
      current.lines.push(line)
      blankBefore = false
      continue
    }
    if (line.trim() === '') {
      blankBefore = true
      continue
    }
    const head = HEADING.exec(line)
    if (head) {
      closeHeading()
      heading = { places: places(head[1]!, fileRe), text: head[1]!, used: false }
      current = undefined
      blankBefore = false
      continue
    }
    const item = LIST_ITEM.exec(line)
    const indent = line.length - line.trimStart().length
    const startsItem = item !== null && item[1]!.length <= topIndent + 1
    const continues =
      current !== undefined &&
      !startsItem &&
      (!blankBefore || (current.kind === 'item' && indent > topIndent))
    if (continues) current!.lines.push(line)
    else {
      current = { kind: startsItem ? 'item' : 'paragraph', lines: [line], heading: heading?.places }
      blocks.push(current)
      if (heading) heading.used = true
    }
    blankBefore = false
  }
  closeHeading()

  return blocks.map((block, i) => toFinding(block, i + 1, fileRe))
}

function toFinding(block: Block, index: number, fileRe: RegExp): Finding {
  const text = block.lines.join('\n').trim()
  const own = places(text, fileRe)
  const files = own.files.length > 0 ? own.files : (block.heading?.files ?? [])
  const hasLines = own.paired.length > 0 || own.loose.length > 0
  const paired = hasLines ? own.paired : (block.heading?.paired ?? [])
  const loose = hasLines ? own.loose : (block.heading?.loose ?? [])
  const locations: FindingLocation[] = [...paired]
  for (const lines of loose) {
    if (files.length === 0) locations.push({ range: lines })
    for (const file of files) locations.push({ file, range: lines })
  }
  for (const file of files) if (!locations.some((l) => l.file === file)) locations.push({ file })
  return {
    index,
    kind: block.kind,
    text,
    files,
    locations,
    prose: own.rest,
    explanationWords: countWords(own.rest),
  }
}
