import { createHash } from 'node:crypto'
import { lstat, readdir, readFile, readlink } from 'node:fs/promises'
import { join, relative, resolve, sep } from 'node:path'
import { pack as createPack } from 'tar-stream'
import { EvalboxError, errorMessage } from '../../core/errors.ts'
import { type Engine, getEngine, isConnectionError, unreachableError } from './engine.ts'
import { packBytes, packHostPath } from './tar-in.ts'

/** Where to build an image from. */
export interface BuildOptions {
  /** Host folder sent to the engine as the build context. */
  context: string
  /** Dockerfile path, relative to `context` or absolute. @default 'Dockerfile' */
  dockerfile?: string
  /** Receives each line of build output (nothing when the build is skipped). @default ignored */
  onLog?: (line: string) => void
}

/** Builds under way in this process, so concurrent callers share one build. */
const building = new Map<string, Promise<string>>()

/**
 * Builds `context` into the tag `evalbox-build:<contextHash>` and returns the tag; skipped
 * when that tag is already on the engine. Throws `IMAGE_BUILD_FAILED` with the end of the
 * build log when the build fails.
 */
export async function buildImage(options: BuildOptions, engine?: Engine): Promise<string> {
  const dockerfile = resolve(options.context, options.dockerfile ?? 'Dockerfile')
  const tag = `evalbox-build:${await contextHash(options.context, dockerfile)}`
  let job = building.get(tag)
  if (!job) {
    job = runBuild(options, dockerfile, tag, engine ?? (await getEngine()))
    building.set(tag, job)
    const forget = () => building.delete(tag)
    job.then(forget, forget)
  }
  return job
}

async function runBuild(
  options: BuildOptions,
  dockerfile: string,
  tag: string,
  engine: Engine,
): Promise<string> {
  const { context } = options
  const { docker, endpoint } = engine
  const exists = await docker
    .getImage(tag)
    .inspect()
    .then(
      () => true,
      (error: unknown) => {
        if (isConnectionError(error)) throw unreachableError(endpoint, error)
        return false
      },
    )
  if (exists) return tag
  const inContext = relative(context, dockerfile)
  const outside = inContext.startsWith('..') || inContext.startsWith(sep)
  const name = outside ? '.evalbox.Dockerfile' : inContext.split(sep).join('/')
  const tar = createPack()
  const fill = (async () => {
    for (const entry of (await readdir(context)).sort()) {
      await packHostPath(tar, join(context, entry), entry, { uid: 0, gid: 0 })
    }
    if (outside) packBytes(tar, name, await readFile(dockerfile), { uid: 0, gid: 0 })
    tar.finalize()
  })()
  fill.catch((error: Error) => tar.destroy(error))
  const log: string[] = []
  try {
    const stream = await docker.buildImage(tar as unknown as NodeJS.ReadableStream, {
      t: tag,
      dockerfile: name,
      // Remove the intermediate containers of a failed step too.
      forcerm: true,
      labels: { 'evalbox.build': 'true' },
    })
    await new Promise<void>((done, fail) =>
      docker.modem.followProgress(
        stream,
        (error: Error | null) => (error ? fail(error) : done()),
        (event: { stream?: string; error?: string }) => {
          for (const line of event.stream?.split('\n').filter(Boolean) ?? []) {
            log.push(line)
            options.onLog?.(line)
          }
          if (event.error) fail(new Error(event.error))
        },
      ),
    )
    await fill
  } catch (error) {
    if (isConnectionError(error)) throw unreachableError(endpoint, error)
    throw new EvalboxError(
      'IMAGE_BUILD_FAILED',
      `Building ${context} (Dockerfile ${dockerfile}) failed: ${errorMessage(error).trim()}\n` +
        `Last lines of the build log:\n${log.slice(-20).join('\n') || '(empty)'}`,
      { cause: error },
    )
  }
  return tag
}

/**
 * 16 hex digits of the SHA-256 of a build context: every file's path (sorted) and
 * contents, link targets, and the Dockerfile's contents. Equal inputs, equal hash.
 */
export async function contextHash(
  context: string,
  dockerfile = join(context, 'Dockerfile'),
): Promise<string> {
  const hash = createHash('sha256')
  const files: string[] = []
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name)
      if (entry.isDirectory()) await walk(path)
      else files.push(path)
    }
  }
  await walk(context)
  for (const path of files.map((file) => relative(context, file).split(sep).join('/')).sort()) {
    const full = join(context, path)
    const isLink = (await lstat(full)).isSymbolicLink()
    const data = isLink ? Buffer.from(`link:${await readlink(full)}`) : await readFile(full)
    hash.update(`${path}\0${data.length}\0`).update(data)
  }
  const df = await readFile(resolve(context, dockerfile))
  hash.update(`dockerfile\0${df.length}\0`).update(df)
  return hash.digest('hex').slice(0, 16)
}
