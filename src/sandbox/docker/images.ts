import { describeValue, EvalboxError, errorMessage } from '../../core/errors.ts'
import { type Engine, getEngine, isConnectionError, unreachableError } from './engine.ts'

/** When to pull an image: only when absent, never (local images only), or on first use. */
export type PullPolicy = 'missing' | 'never' | 'always'

/** What evalbox needs to know about an image, looked up once per process. */
export interface ImageFacts {
  /** The image's default user (`Config.User`); `''` means root. */
  user: string
}

const known = new Map<string, Promise<ImageFacts>>()

/**
 * Makes sure `image` is on the engine. `'missing'` pulls only when it is absent,
 * `'always'` pulls once per process, `'never'` only checks. Throws `IMAGE_UNAVAILABLE`
 * saying how to build or import the image when it is absent and cannot be pulled.
 */
export async function ensureImage(
  image: string,
  pull: PullPolicy = 'missing',
  engine?: Engine,
): Promise<void> {
  await imageFacts(image, pull, engine)
}

/** {@link ensureImage}, returning the image's facts; cached per process and image. */
export function imageFacts(
  image: string,
  pull: PullPolicy = 'missing',
  engine?: Engine,
): Promise<ImageFacts> {
  let facts = known.get(image)
  if (!facts) {
    facts = lookUp(image, pull, engine)
    known.set(image, facts)
    facts.catch(() => known.delete(image))
  }
  return facts
}

async function lookUp(image: string, pull: PullPolicy, engine?: Engine): Promise<ImageFacts> {
  const { docker, endpoint } = engine ?? (await getEngine())
  const inspect = () =>
    docker
      .getImage(image)
      .inspect()
      .then(
        (info) => ({ user: info.Config?.User ?? '' }),
        (error: unknown) => {
          if ((error as { statusCode?: number }).statusCode === 404) return undefined
          throw isConnectionError(error) ? unreachableError(endpoint, error) : error
        },
      )
  const present = pull === 'always' ? undefined : await inspect()
  if (present) return present
  if (pull === 'never') throw imageUnavailable(image, endpoint, "pull is 'never'")
  try {
    const stream = await docker.pull(image)
    await new Promise<void>((done, fail) =>
      docker.modem.followProgress(stream, (error: Error | null, events: Array<{ error?: string }>) => {
        const failed = error?.message ?? events.find((event) => event.error)?.error
        failed ? fail(new Error(failed)) : done()
      }),
    )
  } catch (error) {
    if (isConnectionError(error) && !(error as { statusCode?: number }).statusCode) {
      throw unreachableError(endpoint, error)
    }
    throw imageUnavailable(image, endpoint, `pulling it failed: ${errorMessage(error).trim()}`, error)
  }
  const pulled = await inspect()
  if (!pulled) throw imageUnavailable(image, endpoint, 'the pull did not produce it')
  return pulled
}

function imageUnavailable(image: string, endpoint: string, why: string, cause?: unknown): EvalboxError {
  return new EvalboxError(
    'IMAGE_UNAVAILABLE',
    `Image ${describeValue(image)} is not on the Docker engine at ${endpoint} and ${why}. ` +
      'No container registry may be reachable from this machine: build the image here ' +
      `(docker build -t ${image} <folder>, or the sandbox option build: { context }), or import it ` +
      `(docker load -i image.tar), then run again.`,
    { cause },
  )
}

export { type BuildOptions, buildImage, contextHash } from './build-image.ts'
