import { describe, expect, it } from 'vitest'
import { detectCi } from './ci-env.ts'

describe('detectCi', () => {
  it('finds GitHub Actions and its step summary file', () => {
    expect(detectCi({ CI: 'true', GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: '/tmp/summary.md' })).toEqual({
      name: 'github',
      stepSummaryPath: '/tmp/summary.md',
    })
    expect(detectCi({ GITHUB_ACTIONS: 'true' })).toEqual({ name: 'github' })
  })

  it('finds GitLab, Buildkite and CircleCI by their own variables', () => {
    expect(detectCi({ CI: 'true', GITLAB_CI: 'true' }).name).toBe('gitlab')
    expect(detectCi({ CI: 'true', BUILDKITE: 'true' }).name).toBe('buildkite')
    expect(detectCi({ CI: 'true', CIRCLECI: 'true' }).name).toBe('circleci')
  })

  it('falls back to generic for CI alone, and to undefined outside CI', () => {
    expect(detectCi({ CI: '1' })).toEqual({ name: 'generic' })
    expect(detectCi({ CI: 'false' })).toEqual({ name: undefined })
    expect(detectCi({ CI: '0', GITLAB_CI: '' })).toEqual({ name: undefined })
    expect(detectCi({})).toEqual({ name: undefined })
  })
})
