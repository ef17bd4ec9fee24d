import { execFileSync, spawnSync } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, onTestFinished, test } from 'vitest'
import { EvalboxError } from '../../core/errors.ts'
import { attachDockerSandbox } from './docker-sandbox.ts'
import { requestImage, requestSandbox, startSandboxService } from './sandbox-service.ts'
import { dockerAvailable, TEST_IMAGE } from './test-support.ts'

const docker = await dockerAvailable()

describe.skipIf(!docker.ok)('sandbox service', () => {
  test('many requests for one build context build once and share the tag', async () => {
    const context = mkdtempSync(join(tmpdir(), 'evalbox-build-'))
    writeFileSync(
      join(context, 'Dockerfile'),
      `FROM ${TEST_IMAGE}\nRUN echo ${process.pid}-${Date.now()} > /built\n`,
    )
    const logs: string[] = []
    const service = await startSandboxService({ root: context, labels: {}, log: (line) => logs.push(line) })
    onTestFinished(() => service.close())
    const tags = await Promise.all(
      Array.from({ length: 6 }, () => requestImage(service, { build: { context } })),
    )
    expect(new Set(tags).size).toBe(1)
    expect(tags[0]).toMatch(/^evalbox-build:[0-9a-f]{16}$/)
    expect(logs.filter((line) => line.includes('ready for this run'))).toHaveLength(1)
    const built = execFileSync('docker', ['run', '--rm', tags[0]!, 'cat', '/built'], { encoding: 'utf8' })
    expect(built).toContain(String(process.pid))
    execFileSync('docker', ['rmi', '-f', tags[0]!])
  })

  test("an image that is missing and not pullable comes back as the main process's clear error", async () => {
    const service = await startSandboxService({ root: tmpdir(), labels: {} })
    try {
      const request = requestImage(service, { image: 'evalbox-test/not-here:1', pull: 'never' })
      await expect(request).rejects.toBeInstanceOf(EvalboxError)
      await expect(request).rejects.toMatchObject({ code: 'IMAGE_UNAVAILABLE' })
      await expect(request).rejects.toThrow(/evalbox-test\/not-here:1/)
    } finally {
      await service.close()
    }
  })
})

describe.skipIf(!docker.ok)('warm containers from the main process', () => {
  test('a prewarmed pool hands out fresh containers by id, which the taker owns', async () => {
    const run = `service-test-${process.pid}`
    // The request's labels give way to the run's: every container is the run's.
    const spec = { image: TEST_IMAGE, labels: { 'evalbox.run': 'not-this-run', other: 'kept' } }
    const count = () =>
      execFileSync('docker', ['ps', '-aq', '--filter', `label=evalbox.run=${run}`], { encoding: 'utf8' })
        .split('\n')
        .filter(Boolean).length
    const service = await startSandboxService({ root: tmpdir(), labels: { 'evalbox.run': run } })
    try {
      await service.prewarm(spec, 2)
      for (let i = 0; i < 100 && count() < 2; i++) await new Promise((resolve) => setTimeout(resolve, 50))
      expect(count()).toBe(2)
      const first = await requestSandbox(service, spec, 2)
      const second = await requestSandbox(service, spec, 2)
      expect(first).not.toBe(second)
      const labels = JSON.parse(
        execFileSync('docker', ['inspect', '--format', '{{json .Config.Labels}}', first], {
          encoding: 'utf8',
        }),
      )
      expect(labels).toMatchObject({ 'evalbox.run': run, other: 'kept' })
      const sandbox = await attachDockerSandbox(first, spec)
      expect((await sandbox.exec(['sh', '-c', 'echo taken over'])).stdout).toBe('taken over\n')
      await sandbox.dispose()
      const inspect = spawnSync('docker', ['inspect', first])
      expect(inspect.status).not.toBe(0)
      await attachDockerSandbox(second, spec).then((s) => s.dispose())
    } finally {
      await service.close()
    }
    // Closing the service removes what still waited in its pool.
    expect(count()).toBe(0)
  })
})
