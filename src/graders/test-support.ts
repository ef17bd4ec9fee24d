import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll } from 'vitest'
import { createModelClient, type ModelClient } from '../models/index.ts'
import { type FakeModelServer, startFakeModelServer } from '../testing/fake-model-server.ts'
import type { GraderContext } from './types.ts'

/**
 * For a file's judge tests: a fake Anthropic server on 127.0.0.1 (started before the tests,
 * closed after) and judge clients that talk to it, caching requests in a fresh folder.
 */
export function useFakeJudge(): { readonly server: FakeModelServer; model(cache?: boolean): ModelClient } {
  let started: FakeModelServer | undefined
  let cacheDir = ''
  beforeAll(async () => {
    started = await startFakeModelServer()
    cacheDir = await mkdtemp(join(tmpdir(), 'evalbox-judge-cache-'))
  })
  afterAll(async () => {
    await started?.close()
    await rm(cacheDir, { recursive: true, force: true })
  })
  const server = () => {
    if (!started) throw new Error('the fake model server starts in beforeAll')
    return started
  }
  return {
    get server() {
      return server()
    },
    model: (cache = true) =>
      createModelClient({
        provider: 'anthropic',
        model: 'claude-haiku-4-5',
        baseUrl: server().url,
        apiKey: 'sk-test',
        cacheDir,
        cache,
        env: {},
      }),
  }
}

/**
 * A grader context for tests: the given output, no agent, no sandbox (asking for one
 * throws), and overrides for anything else.
 */
export function graderContext(output: string, overrides: Partial<GraderContext> = {}): GraderContext {
  return {
    input: undefined,
    output,
    value: output,
    expected: undefined,
    agent: undefined,
    workspace: undefined,
    patch: undefined,
    signal: new AbortController().signal,
    keep: async () => undefined,
    openSandbox: async () => {
      throw new Error('no sandbox in this test')
    },
    get sandbox(): never {
      throw new Error('no sandbox in this test')
    },
    ...overrides,
  }
}
