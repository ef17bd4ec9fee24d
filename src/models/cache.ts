import { createHash } from 'node:crypto'
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { redactDeep } from '../core/secrets/deep.ts'
import { createRedactor } from '../core/secrets/redact.ts'
import type { TokenUsage } from '../core/usage.ts'
import { isRecord } from '../transcript/events.ts'
import type { NormalisedRequest } from './protocol.ts'
import type { ModelProvider } from './types.ts'

/** Everything that decides an answer, and nothing secret: the API key is never part of it. */
export interface CanonicalRequest extends NormalisedRequest {
  readonly provider: ModelProvider
  /** Without credentials or query values. */
  readonly baseUrl: string
}

/** One cached completion, as stored on disk. */
export interface CacheEntry {
  readonly version: 1
  readonly key: string
  readonly createdAt: string
  readonly request: CanonicalRequest
  readonly response: {
    readonly text: string
    readonly model: string
    readonly usage: TokenUsage
    readonly costUsd: number
    readonly priced: boolean
    readonly stopReason?: string
  }
}

// Key order must not change the key: objects are written with sorted keys.
function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`
  if (isRecord(value)) {
    const keys = Object.keys(value)
      .filter((key) => value[key] !== undefined)
      .sort()
    return `{${keys.map((key) => `${JSON.stringify(key)}:${stableStringify(value[key])}`).join(',')}}`
  }
  return JSON.stringify(value) ?? 'null'
}

/** The sha256 (hex) of the canonical request. */
export function cacheKey(request: CanonicalRequest): string {
  return createHash('sha256')
    .update(stableStringify({ v: 1, ...request }))
    .digest('hex')
}

function entryPath(dir: string, key: string): string {
  return join(dir, `${key}.json`)
}

/** The cached entry for `key`, or undefined when missing or unreadable (a bad file is a miss). */
export async function readCacheEntry(dir: string, key: string): Promise<CacheEntry | undefined> {
  let text: string
  try {
    text = await readFile(entryPath(dir, key), 'utf8')
  } catch {
    return undefined
  }
  try {
    const entry = JSON.parse(text) as CacheEntry
    if (entry?.version !== 1 || entry.key !== key || typeof entry.response?.text !== 'string')
      return undefined
    return entry
  } catch {
    return undefined
  }
}

/** Writes an entry atomically (temp file + rename), so readers never see half a file. */
export async function writeCacheEntry(dir: string, entry: CacheEntry): Promise<void> {
  await mkdir(dir, { recursive: true })
  const path = entryPath(dir, entry.key)
  const temp = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`
  // The prompt may quote an agent's output: stored redacted (the key is of the real request).
  await writeFile(temp, `${JSON.stringify(redactDeep(entry, createRedactor().redact, true), null, 2)}\n`)
  await rename(temp, path)
}
