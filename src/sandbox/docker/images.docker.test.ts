import { randomUUID } from 'node:crypto'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { createDockerSandbox } from './docker-sandbox.ts'
import { getEngine } from './engine.ts'
import { buildImage, contextHash, ensureImage } from './images.ts'
import { dockerAvailable, TEST_IMAGE } from './test-support.ts'

const docker = await dockerAvailable()

describe.skipIf(!docker.ok)('docker images', () => {
  const missing = `evalbox-missing-image-${randomUUID().slice(0, 8)}:nope`

  test("a missing image with pull 'never' fails with how to build or import it", async () => {
    const error = await ensureImage(missing, 'never').catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'IMAGE_UNAVAILABLE' })
    expect((error as Error).message).toContain(missing)
    expect((error as Error).message).toContain("pull is 'never'")
    expect((error as Error).message).toMatch(/docker build -t .*docker load/s)
  })

  test('a missing image that cannot be pulled says no registry may be reachable', async () => {
    const error = await ensureImage(missing, 'missing').catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'IMAGE_UNAVAILABLE' })
    expect((error as Error).message).toMatch(
      /pulling it failed: .+\. No container registry may be reachable/s,
    )
  })

  test("a present image passes with pull 'never' and 'missing'", async () => {
    await expect(ensureImage(TEST_IMAGE, 'never')).resolves.toBeUndefined()
    await expect(ensureImage(TEST_IMAGE, 'missing')).resolves.toBeUndefined()
  })

  test('createDockerSandbox reports an image it cannot get', async () => {
    await expect(createDockerSandbox({ image: missing, pull: 'never' })).rejects.toMatchObject({
      code: 'IMAGE_UNAVAILABLE',
    })
  })

  describe('buildImage', () => {
    let context: string
    const tags = new Set<string>()
    beforeAll(async () => {
      context = await mkdtemp(join(tmpdir(), 'evalbox-build-'))
    })
    afterAll(async () => {
      const { docker: client } = await getEngine()
      for (const tag of tags)
        await client
          .getImage(tag)
          .remove({ force: true })
          .catch(() => {})
      await rm(context, { recursive: true, force: true })
    })

    test('builds once under a content-hash tag; the second call skips', async () => {
      const marker = randomUUID()
      await writeFile(join(context, 'hello.txt'), `${marker}\n`)
      await writeFile(join(context, 'Dockerfile'), `FROM ${TEST_IMAGE}\nCOPY hello.txt /hello.txt\n`)
      const first: string[] = []
      const tag = await buildImage({ context, onLog: (line) => first.push(line) })
      tags.add(tag)
      expect(tag).toBe(`evalbox-build:${await contextHash(context, join(context, 'Dockerfile'))}`)
      expect(tag).toMatch(/^evalbox-build:[0-9a-f]{16}$/)
      expect(first.length).toBeGreaterThan(0)
      const second: string[] = []
      expect(await buildImage({ context, onLog: (line) => second.push(line) })).toBe(tag)
      expect(second).toEqual([])
      await using sandbox = await createDockerSandbox({ image: tag, pull: 'never' })
      expect((await sandbox.readFile('/hello.txt')).toString()).toBe(`${marker}\n`)
    })

    test('a failing build reports the end of its log', async () => {
      await writeFile(
        join(context, 'Failing.Dockerfile'),
        `FROM ${TEST_IMAGE}\nRUN echo boom-$((40 + 2)) && exit 3\n`,
      )
      const error = await buildImage({ context, dockerfile: 'Failing.Dockerfile' }).catch((e: unknown) => e)
      expect(error).toMatchObject({ code: 'IMAGE_BUILD_FAILED' })
      // Only the command's output says 42; the Dockerfile line does not.
      expect((error as Error).message).toContain('boom-42')
      expect((error as Error).message).toContain('Failing.Dockerfile')
    })
  })
})
