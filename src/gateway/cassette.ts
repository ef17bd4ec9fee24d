import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { EvalboxError, errorMessage } from '../core/errors.ts'
import type { ProtocolName } from './types.ts'

/**
 * One recorded call, one line of a cassette (NDJSON, `v: 1`). `request` is the normalised
 * request body (volatile fields dropped, see `normaliseRequest`); `body` is the answer exactly as
 * the agent received it (SSE text or JSON text), or `bodyBase64` when it was not UTF-8. No
 * headers but the content type are kept, so no key can be in it; lines are redacted anyway.
 */
export interface CassetteEntry {
  readonly v: 1
  readonly seq: number
  readonly protocol: ProtocolName
  readonly method: string
  /** The upstream path and query (the client's `key=` dropped). */
  readonly path: string
  /** sha256 of method, path and normalised request: the match key on replay. */
  readonly hash: string
  readonly request: unknown
  readonly status: number
  readonly contentType: string
  readonly body?: string
  readonly bodyBase64?: string
}

/** Top-level fields that change between runs of the same case and say nothing of the task. */
const VOLATILE = new Set(['prompt_cache_key', 'user', 'safety_identifier', 'stream_options'])

/** A value inside the request's text that changes from run to run and is masked for matching. */
export interface VolatileValue {
  readonly name: string
  readonly pattern: RegExp
  /** A replacement string (`$1`…), or a function of the match (for sets listed in any order). */
  readonly replacement: string | ((match: string, ...groups: string[]) => string)
  /** Why it changes between two runs of the same case. */
  readonly reason: string
}

const MONTHS = 'January|February|March|April|May|June|July|August|September|October|November|December'
const DAYS = 'Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday'

/**
 * What is masked inside every string of a request before it is matched (and in the request a
 * cassette keeps, so recording again changes no more lines than the task did). Each rule is
 * narrow: a prompt, a file or a tool result that differs in anything else still mismatches.
 */
export const VOLATILE_VALUES: readonly VolatileValue[] = [
  {
    name: 'temp folder',
    // `/tmp/evalbox-home.lYs9aK/…` → `/tmp/<tmp>/…`: a folder right under /tmp, /var/tmp or
    // macOS's /var/folders/…/T whose name ends in mkdtemp's or mktemp's random suffix (6 to 10
    // letters and digits after `.`, `-` or `_`); `/tmp/notes.md` or `/tmp/out` are kept.
    pattern:
      /(?<![\w.-])((?:\/private)?(?:\/tmp|\/var\/tmp|\/var\/folders\/[^/\s]+\/[^/\s]+\/[TC]))\/[\w.-]*[._-][A-Za-z0-9]{6,10}(?![\w.-])/g,
    replacement: '$1/<tmp>',
    reason:
      "the agent's home and prompt folder in the sandbox, a local sandbox's workdir, a CLI's own scratch folder are made with mkdtemp: a new random name each run, named in system prompts (Claude Code's memory folder) and in tool results",
  },
  {
    name: 'evalbox scratch folder',
    // `/home/sandbox/.evalbox-home.i4E7Ns/.claude` → `/home/sandbox/.evalbox-home.<tmp>/.claude`,
    // wherever it is: a folder evalbox made with mkdtemp (`evalbox-` or `.evalbox-` names).
    pattern: /(?<=\/)(\.?evalbox-[\w-]*?[._-])[A-Za-z0-9]{6,10}(?![\w.-])/g,
    replacement: '$1<tmp>',
    reason:
      "the agent's fresh HOME (`~/.evalbox-home.XXXXXX` in the sandbox) is made with mkdtemp, and CLIs name it in their system prompts (memory folders, config files)",
  },
  {
    name: 'date and time',
    pattern: /\b\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?\b/g,
    replacement: '<date>',
    reason:
      "CLIs put today's date in their system prompt or first message (Claude Code's currentDate), a timestamp in an environment block",
  },
  {
    name: 'written-out date',
    pattern: new RegExp(`\\b(?:(?:${DAYS}),? )?(?:${MONTHS}) \\d{1,2}(?:st|nd|rd|th)?,? \\d{4}\\b`, 'g'),
    replacement: '<date>',
    reason: "the same date, as some CLIs write it: 'Saturday, December 6, 2026'",
  },
  {
    name: 'short date',
    pattern:
      /\b(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{1,2} \d{4}\b/g,
    replacement: '<date>',
    reason:
      "the same date as JavaScript's Date#toDateString writes it: opencode's 'Today's date: Sun Dec 06 2026'",
  },
  {
    name: 'uuid',
    pattern: /(?<![0-9a-f])[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(?![0-9a-f])/gi,
    replacement: '<uuid>',
    reason:
      "CLIs make their own ids for sessions, requests and conversation items (Codex's `msg_<uuid>` input items): new each run",
  },
  {
    name: 'epoch milliseconds',
    // 13 digits from 1600000000000 (2020) to 1999999999999 (2033), not inside a longer number.
    pattern: /(?<!\d)1[6-9]\d{11}(?!\d)/g,
    replacement: '<ms>',
    reason:
      "ids made of the clock (Gemini CLI's tool-call ids `run_shell_command_1796598772190_0`), timestamps in milliseconds",
  },
  {
    name: 'process id',
    // Gemini CLI's shell tool result ends in `Process Group PGID: 60`, `Background PIDs: 61`.
    pattern: /\b(PGID|PIDs?|pid)(:\s*)\d+(?:,\s*\d+)*/g,
    replacement: '$1$2<pid>',
    reason: 'shell tools report the id of the process they ran, which depends on what else ran first',
  },
  {
    name: 'output chunk id',
    pattern: /\b(Chunk ID: )[0-9a-f]+\b/g,
    replacement: '$1<id>',
    reason: "Codex's shell tool starts each result with a random `Chunk ID: 94da5a`",
  },
  {
    name: 'wall time',
    pattern: /\b(Wall time: )\d+(?:\.\d+)?( seconds?)\b/g,
    replacement: '$1<n>$2',
    reason: "Codex's shell tool says how long the command ran: `Wall time: 0.0019 seconds`",
  },
  {
    name: 'skill list order',
    pattern: /<available_skills>[\s\S]*?<\/available_skills>/g,
    replacement: (block) => {
      const skills = block.match(/<skill>[\s\S]*?<\/skill>/g) ?? []
      return `<available_skills>${skills.sort().join('')}</available_skills>`
    },
    reason:
      'Gemini CLI loads its built-in skills concurrently and lists them in the order they loaded: the same set, in either order',
  },
  {
    name: 'available list order',
    pattern: /(\(Available: )('[^'\n]*'(?:, '[^'\n]*')*)\)/g,
    replacement: (_, head: string, list: string) => `${head}${list.split(', ').sort().join(', ')})`,
    reason: "the same skills in Gemini CLI's skill tool description: `(Available: 'a', 'b')`",
  },
  {
    name: 'test timing',
    // node:test's TAP `duration_ms: 3.2` / `# duration_ms 45.6`, its spec reporter's `(1.23ms)`,
    // pytest's `passed in 0.12s`.
    pattern:
      /(duration_ms:? )\d+(?:\.\d+)?|(\()\d+(?:\.\d+)?(ms\))|(\b(?:passed|failed|error|errors|skipped) in )\d+(?:\.\d+)?(s\b)/g,
    replacement: '$1$2$4<n>$3$5',
    reason: 'test runners print how long each test took; the agent sends that output back as a tool result',
  },
]

/** A string with the volatile values masked. */
export function maskVolatile(text: string): string {
  let out = text
  for (const rule of VOLATILE_VALUES)
    out = out.replace(rule.pattern, rule.replacement as (match: string) => string)
  return out
}

/**
 * Masks every string; and sorts a JSON schema's `enum` of strings, a set that a CLI may list
 * in any order (Gemini CLI's skill names, in load order, see `VOLATILE_VALUES`).
 */
function maskDeep(value: unknown): unknown {
  if (typeof value === 'string') return maskVolatile(value)
  if (Array.isArray(value)) return value.map(maskDeep)
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {}
    for (const [key, item] of Object.entries(value))
      out[key] =
        key === 'enum' && Array.isArray(item) && item.every((entry) => typeof entry === 'string')
          ? (maskDeep(item) as string[]).sort()
          : maskDeep(item)
    return out
  }
  return value
}

/**
 * The request as matched on replay: the body without fields that differ from run to run with
 * the same prompt (`metadata.user_id`, `prompt_cache_key`, `user`, `safety_identifier`,
 * `stream_options`), and with the volatile values of its strings masked (`VOLATILE_VALUES`:
 * temp folders, dates, test timings). Model, messages, tools and the `stream` flag are kept:
 * they change the answer. Idempotent, so a cassette's requests can be normalised again.
 */
export function normaliseRequest(body: unknown): unknown {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return maskDeep(body)
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(body)) {
    if (VOLATILE.has(key)) continue
    if (key === 'metadata' && typeof value === 'object' && value !== null && !Array.isArray(value)) {
      const { user_id: _, ...rest } = value as Record<string, unknown>
      if (Object.keys(rest).length > 0) out[key] = maskDeep(rest)
      continue
    }
    out[key] = maskDeep(value)
  }
  return out
}

/** JSON with object keys sorted, so equal values hash equal whatever the key order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonical(item)}`).join(',')}}`
  }
  return JSON.stringify(value) ?? 'null'
}

export function requestHash(method: string, path: string, request: unknown): string {
  return createHash('sha256')
    .update(`${method} ${path}\n${canonical(request)}`)
    .digest('hex')
}

/** Reads a cassette; an absent or broken file is an `INVALID_OPTIONS` error naming it and the fix. */
export async function loadCassette(path: string): Promise<CassetteEntry[]> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    throw new EvalboxError(
      'INVALID_OPTIONS',
      `cassette ${path} cannot be read (${errorMessage(error)}); record it first with EVALBOX_MODEL=record and a model key`,
    )
  }
  const entries: CassetteEntry[] = []
  for (const [index, line] of text.split('\n').entries()) {
    if (line.trim() === '') continue
    try {
      const entry = JSON.parse(line) as CassetteEntry
      if (entry.v !== 1 || typeof entry.hash !== 'string') throw new Error('not a v1 cassette entry')
      // Matched by today's rules: a cassette recorded before a volatile value was masked, or
      // edited by hand, still matches what it holds.
      const request = normaliseRequest(entry.request)
      entries.push({ ...entry, request, hash: requestHash(entry.method, entry.path, request) })
    } catch (error) {
      throw new EvalboxError(
        'INVALID_OPTIONS',
        `cassette ${path} line ${index + 1} is not a cassette entry (${errorMessage(error)}); record it again with EVALBOX_MODEL=record`,
      )
    }
  }
  return entries
}

/** The recorded answer's bytes. */
export function entryBody(entry: CassetteEntry): Buffer {
  return entry.bodyBase64 !== undefined
    ? Buffer.from(entry.bodyBase64, 'base64')
    : Buffer.from(entry.body ?? '', 'utf8')
}

/** `body` when the bytes are UTF-8 (they round-trip), else `bodyBase64`. */
export function bodyField(raw: Buffer): { body: string } | { bodyBase64: string } {
  const text = raw.toString('utf8')
  return Buffer.byteLength(text) === raw.length && Buffer.from(text).equals(raw)
    ? { body: text }
    : { bodyBase64: raw.toString('base64') }
}

/**
 * Matches requests to a cassette. The rule: the first unused entry with the same hash (so
 * order breaks ties between identical requests); failing that, the last used one with the same
 * hash (an agent retrying an identical request); failing that, a mismatch, explained against
 * the first unused entry (the one this request would have been, in order).
 */
export function createReplayer(path: string, entries: readonly CassetteEntry[]) {
  const used = new Set<number>()
  return {
    match(
      n: number,
      request: { method: string; path: string; hash: string; body: unknown },
    ): { entry: CassetteEntry } | { mismatch: string } {
      let reused: number | undefined
      for (const [index, entry] of entries.entries()) {
        if (entry.hash !== request.hash) continue
        if (!used.has(index)) {
          used.add(index)
          return { entry }
        }
        reused = index
      }
      if (reused !== undefined) return { entry: entries[reused]! }
      const next = entries.findIndex((_, index) => !used.has(index))
      if (next === -1)
        return {
          mismatch: `request ${n}: ${request.method} ${request.path} is not in cassette ${path}, which holds ${entries.length} request(s), all replayed; record it again with EVALBOX_MODEL=record`,
        }
      const expected = entries[next]!
      const where =
        expected.method !== request.method || expected.path !== request.path
          ? `endpoint differs: recorded ${expected.method} ${expected.path} vs now ${request.method} ${request.path}`
          : (jsonDiff(expected.request, request.body) ?? 'the request differs')
      return {
        mismatch: `request ${n}: ${where} (cassette ${path}; record it again with EVALBOX_MODEL=record)`,
      }
    },
  }
}

function show(value: unknown, other?: unknown): string {
  if (typeof value === 'string') {
    let start = 0
    if (typeof other === 'string' && value.length > 60) {
      let at = 0
      while (at < value.length && value[at] === other[at]) at++
      start = Math.max(0, at - 20)
    }
    const slice = value.slice(start, start + 60)
    return `'${start > 0 ? '…' : ''}${slice}${start + 60 < value.length ? '…' : ''}'`
  }
  const text = JSON.stringify(value) ?? String(value)
  return text.length > 60 ? `${text.slice(0, 60)}…` : text
}

function step(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`
  const name = /^[A-Za-z_$][\w$]*$/.test(key) ? key : JSON.stringify(key)
  if (name !== key) return `${path}[${name}]`
  return path === '' ? key : `${path}.${key}`
}

/** The first difference of two JSON values as `path differs: recorded X vs now Y`; undefined when equal. */
export function jsonDiff(recorded: unknown, now: unknown, path = ''): string | undefined {
  const at = path === '' ? 'the body' : path
  if (Array.isArray(recorded) && Array.isArray(now)) {
    for (let i = 0; i < Math.max(recorded.length, now.length); i++) {
      if (i >= recorded.length) return `${step(path, i)} is new: ${show(now[i])}`
      if (i >= now.length) return `${step(path, i)} is missing: recorded ${show(recorded[i])}`
      const diff = jsonDiff(recorded[i], now[i], step(path, i))
      if (diff) return diff
    }
    return undefined
  }
  const isObject = (value: unknown): value is Record<string, unknown> =>
    typeof value === 'object' && value !== null && !Array.isArray(value)
  if (isObject(recorded) && isObject(now)) {
    for (const key of new Set([...Object.keys(recorded), ...Object.keys(now)])) {
      if (!(key in now)) return `${step(path, key)} is missing: recorded ${show(recorded[key])}`
      if (!(key in recorded)) return `${step(path, key)} is new: ${show(now[key])}`
      const diff = jsonDiff(recorded[key], now[key], step(path, key))
      if (diff) return diff
    }
    return undefined
  }
  if (canonical(recorded) === canonical(now)) return undefined
  return `${at} differs: recorded ${show(recorded, now)} vs now ${show(now, recorded)}`
}
