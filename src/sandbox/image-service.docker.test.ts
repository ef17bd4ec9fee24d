import { execFileSync } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, onTestFinished, test } from 'vitest'
import { EvalboxError } from '../errors.ts'
import { dockerAvailable, TEST_IMAGE } from './docker/test-support.ts'
import { requestImage, startImageService } from './image-service.ts'

const docker = await dockerAvailable()

describe.skipIf(!docker.ok)('image service', () => {
  test('many requests for one build context build once and share the tag', async () => {
    const context = mkdtempSync(join(tmpdir(), 'evalbox-build-'))
    writeFileSync(
      join(context, 'Dockerfile'),
      `FROM ${TEST_IMAGE}\nRUN echo ${process.pid}-${Date.now()} > /built\n`,
    )
    const logs: string[] = []
    const service = await startImageService((line) => logs.push(line))
    onTestFinished(() => service.close())
    const tags = await Promise.all(
      Array.from({ length: 6 }, () => requestImage(service.url, { build: { context } })),
    )
    expect(new Set(tags).size).toBe(1)
    expect(tags[0]).toMatch(/^evalbox-build:[0-9a-f]{16}$/)
    expect(logs.filter((line) => line.includes('ready for this run'))).toHaveLength(1)
    const built = execFileSync('docker', ['run', '--rm', tags[0]!, 'cat', '/built'], { encoding: 'utf8' })
    expect(built).toContain(String(process.pid))
    execFileSync('docker', ['rmi', '-f', tags[0]!])
  })

  test("an image that is missing and not pullable comes back as the main process's clear error", async () => {
    const service = await startImageService()
    try {
      const request = requestImage(service.url, { image: 'evalbox-test/not-here:1', pull: 'never' })
      await expect(request).rejects.toBeInstanceOf(EvalboxError)
      await expect(request).rejects.toMatchObject({ code: 'IMAGE_UNAVAILABLE' })
      await expect(request).rejects.toThrow(/evalbox-test\/not-here:1/)
    } finally {
      await service.close()
    }
  })
})
