import { mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { describeValue, EvalboxError } from '../../core/errors.ts'
import { findFiles } from '../../core/glob.ts'
import { assertSafeId, newArtifactId } from './artifact-ids.ts'
import { formatReference } from './artifact-reference.ts'
import { grepOf, pageOf, splitLines, tailOf } from './artifact-text.ts'
import {
  ARTIFACT_KINDS,
  type ArtifactGrepView,
  type ArtifactView,
  type ContextArtifact,
  type CreateArtifactRequest,
  type GrepOptions,
  type ReadPageOptions,
} from './artifact-types.ts'

/**
 * Large tool output kept out of the context window, one folder per thread:
 * `<root>/<threadId>/<artifactId>.txt` holds the bytes, `<artifactId>.json` the metadata.
 * Artifacts are written once and never change.
 */
export interface ArtifactStore {
  /** Absolute path of the store's root folder. */
  readonly root: string
  /** Stores an output and returns its metadata. An id that already exists is refused. */
  create(request: CreateArtifactRequest): Promise<ContextArtifact>
  /** An artifact's metadata; throws when the thread has no such artifact. */
  get(threadId: string, id: string): Promise<ContextArtifact>
  /** The thread's artifacts, oldest first (none for an unknown thread). */
  list(threadId: string): Promise<ContextArtifact[]>
  /** A page of lines: `offset` is the first line (1-based), `limit` the page size. */
  readPage(threadId: string, id: string, options?: ReadPageOptions): Promise<ArtifactView>
  /** Lines matching `query` (literal text, or a RegExp / `regex: true`), numbered. */
  grep(threadId: string, id: string, query: string | RegExp, options?: GrepOptions): Promise<ArtifactGrepView>
  /** The last `lines` lines. @default lines 200 */
  tail(threadId: string, id: string, lines?: number): Promise<ArtifactView>
  /** The inline reference that replaces the output in the context (see `formatReference`). */
  formatReference(artifact: ContextArtifact, title: string): string
  /** Deletes a thread's folder and its artifacts. */
  removeThread(threadId: string): Promise<void>
}

type StoredMetadata = Omit<ContextArtifact, 'path'>

function assertCount(value: unknown, name: string, min: number): asserts value is number | undefined {
  if (value === undefined || (Number.isInteger(value) && (value as number) >= min)) return
  const kind = min === 0 ? 'a non-negative integer' : `an integer of at least ${min}`
  throw new EvalboxError(
    'INVALID_OPTIONS',
    `Expected \`${name}\` to be ${kind}, got ${describeValue(value)}.`,
  )
}

function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT'
}

/**
 * Opens (or starts) an artifact store under `root`; folders are made on first write.
 *
 * @example
 * const store = createArtifactStore('.evalbox/artifacts')
 * const artifact = await store.create({ kind: 'command_stdout', threadId: 't1', turnId: 'turn-1', bytes: log })
 * const hits = await store.grep('t1', artifact.id, 'ERROR', { context: 2 })
 */
export function createArtifactStore(root: string): ArtifactStore {
  const base = resolve(root)

  function threadDir(threadId: string): string {
    assertSafeId(threadId, 'threadId')
    return join(base, threadId)
  }

  function paths(threadId: string, id: string): { text: string; meta: string } {
    const dir = threadDir(threadId)
    assertSafeId(id, 'artifactId')
    return { text: join(dir, `${id}.txt`), meta: join(dir, `${id}.json`) }
  }

  async function get(threadId: string, id: string): Promise<ContextArtifact> {
    const { text, meta } = paths(threadId, id)
    let stored: StoredMetadata
    try {
      stored = JSON.parse(await readFile(meta, 'utf8')) as StoredMetadata
    } catch (error) {
      if (!isMissing(error)) throw error
      throw new EvalboxError(
        'INVALID_OPTIONS',
        `No artifact "${id}" in thread "${threadId}" (looked for ${meta}). Use an id from the artifact reference, or list the thread's artifacts.`,
        { cause: error },
      )
    }
    return { ...stored, path: text }
  }

  async function lines(threadId: string, id: string): Promise<string[]> {
    const artifact = await get(threadId, id)
    return splitLines(await readFile(artifact.path, 'utf8'))
  }

  return {
    root: base,
    get,
    formatReference,

    async create(request) {
      if (!ARTIFACT_KINDS.includes(request.kind)) {
        throw new EvalboxError(
          'INVALID_OPTIONS',
          `Expected \`kind\` to be one of ${ARTIFACT_KINDS.join(', ')}, got ${describeValue(request.kind)}.`,
        )
      }
      assertSafeId(request.turnId, 'turnId')
      const id = request.id ?? newArtifactId()
      const target = paths(request.threadId, id)
      const bytes = typeof request.bytes === 'string' ? Buffer.from(request.bytes, 'utf8') : request.bytes
      await mkdir(threadDir(request.threadId), { recursive: true })
      try {
        // `wx`: an artifact is immutable, so an id collision must fail instead of overwriting.
        await writeFile(target.text, bytes, { flag: 'wx' })
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
        throw new EvalboxError(
          'INVALID_OPTIONS',
          `Artifact "${id}" already exists in thread "${request.threadId}". Omit \`id\` to get a fresh one.`,
          { cause: error },
        )
      }
      const metadata: StoredMetadata = {
        id,
        kind: request.kind,
        threadId: request.threadId,
        turnId: request.turnId,
        sourceToolId: request.sourceToolId,
        label: request.label,
        byteCount: bytes.byteLength,
        lineCount: splitLines(Buffer.from(bytes).toString('utf8')).length,
        createdAt: new Date().toISOString(),
      }
      await writeFile(target.meta, `${JSON.stringify(metadata, null, 2)}\n`)
      return { ...metadata, path: target.text }
    },

    async list(threadId) {
      const dir = threadDir(threadId)
      // A thread with no artifact yet has no folder: that lists as empty.
      const names = await findFiles(dir, '*.json', { deep: 1 })
      const ids = names.map((name) => name.slice(0, -'.json'.length))
      const artifacts = await Promise.all(ids.map((id) => get(threadId, id)))
      return artifacts.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id))
    },

    async readPage(threadId, id, options = {}) {
      assertCount(options.offset, 'offset', 1)
      assertCount(options.limit, 'limit', 0)
      return pageOf(id, await lines(threadId, id), options.offset, options.limit)
    },

    async grep(threadId, id, query, options = {}) {
      assertCount(options.offset, 'offset', 0)
      assertCount(options.limit, 'limit', 0)
      assertCount(options.context, 'context', 0)
      if (query === '') {
        throw new EvalboxError(
          'INVALID_OPTIONS',
          'Expected a non-empty grep `query`; an empty one matches every line.',
        )
      }
      return grepOf(id, await lines(threadId, id), query, options)
    },

    async tail(threadId, id, count) {
      assertCount(count, 'lines', 0)
      return tailOf(id, await lines(threadId, id), count)
    },

    async removeThread(threadId) {
      await rm(threadDir(threadId), { recursive: true, force: true })
    },
  }
}
