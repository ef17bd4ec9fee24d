/** A CI system evalbox knows how to write for. */
export type CiName = 'github' | 'gitlab' | 'buildkite' | 'circleci' | 'generic'

/** What {@link detectCi} found. */
export interface CiEnvironment {
  /** The CI system; `generic` for an unknown one that sets `CI`; `undefined` outside CI. */
  name: CiName | undefined
  /** GitHub Actions: the file a step appends its markdown job summary to. */
  stepSummaryPath?: string
}

// `CI=false` and `CI=0` are how people switch CI behaviour off locally.
function truthy(value: string | undefined): boolean {
  return value !== undefined && value !== '' && value !== 'false' && value !== '0'
}

/**
 * Which CI the process runs in, from its environment variables (`GITHUB_ACTIONS`,
 * `GITLAB_CI`, `BUILDKITE`, `CIRCLECI`, else `CI`). Pure: pass `process.env`.
 */
export function detectCi(env: Record<string, string | undefined>): CiEnvironment {
  if (env.GITHUB_ACTIONS === 'true') {
    const summary = env.GITHUB_STEP_SUMMARY
    return summary ? { name: 'github', stepSummaryPath: summary } : { name: 'github' }
  }
  if (truthy(env.GITLAB_CI)) return { name: 'gitlab' }
  if (truthy(env.BUILDKITE)) return { name: 'buildkite' }
  if (truthy(env.CIRCLECI)) return { name: 'circleci' }
  if (truthy(env.CI)) return { name: 'generic' }
  return { name: undefined }
}
