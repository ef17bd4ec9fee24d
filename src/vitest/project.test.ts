import { describe, expect, test } from 'vitest'
import { evalsProject } from './project.ts'

describe('evalsProject', () => {
  test('names the project, includes eval files, and adds the plugin and the run setup', () => {
    const project = evalsProject()
    expect(project.test).toMatchObject({
      name: 'evals',
      include: ['evals/**/*.eval.ts'],
    })
    expect(project.test?.globalSetup).toEqual([expect.stringMatching(/global-setup\.(ts|js)$/)])
    expect(project.plugins).toEqual([expect.objectContaining({ name: 'evalbox' })])
  })

  test("the user's globalSetup is added after evalbox's, never instead of it", () => {
    const project = evalsProject({ test: { globalSetup: 'evals/setup.ts', testTimeout: 5 } })
    expect(project.test?.globalSetup).toEqual([
      expect.stringMatching(/global-setup\.(ts|js)$/),
      'evals/setup.ts',
    ])
    expect(project.test?.testTimeout).toBe(5)
  })

  test("evalbox's console redaction is the first setup file; the user's follow", () => {
    expect(evalsProject().test?.setupFiles).toEqual([expect.stringMatching(/redact-console\.(ts|js)$/)])
    expect(evalsProject({ test: { setupFiles: ['evals/setup.ts'] } }).test?.setupFiles).toEqual([
      expect.stringMatching(/redact-console\.(ts|js)$/),
      'evals/setup.ts',
    ])
  })
})
