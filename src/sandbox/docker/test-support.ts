import { errorMessage } from '../../core/errors.ts'
import { getEngine, pingEngine } from './engine.ts'

/** Image every docker test runs: built by `scripts/build-base-image.sh`. */
export const TEST_IMAGE = 'evalbox-base:bookworm-1'

/** Whether docker tests can run, and if not, why. */
export interface DockerAvailability {
  ok: boolean
  reason: string
}

/**
 * Checks once whether an engine answers and the test image is there. With
 * `EVALBOX_REQUIRE_DOCKER=1` a missing engine or image throws (the test file fails);
 * otherwise the reason is printed and the caller skips with `describe.skipIf(!docker.ok)`.
 */
export async function dockerAvailable(): Promise<DockerAvailability> {
  let reason = ''
  try {
    const info = await pingEngine()
    const { docker } = await getEngine()
    await docker
      .getImage(TEST_IMAGE)
      .inspect()
      .catch(() => {
        reason = `image ${TEST_IMAGE} is missing on ${info.endpoint}; build it with scripts/build-base-image.sh`
      })
  } catch (error) {
    reason = errorMessage(error)
  }
  if (!reason) return { ok: true, reason: '' }
  if (process.env.EVALBOX_REQUIRE_DOCKER === '1') {
    throw new Error(`EVALBOX_REQUIRE_DOCKER=1 but docker tests cannot run: ${reason}`)
  }
  console.warn(`[evalbox] skipping docker tests: ${reason}`)
  return { ok: false, reason }
}
