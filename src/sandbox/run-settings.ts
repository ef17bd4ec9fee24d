import type { SandboxSpec } from './spec.ts'

/**
 * Run-level settings made once in the Vitest main process (globalSetup) and handed to
 * workers with `provide`. Plain JSON.
 */
export interface RunSettings {
  runId: string
  /** Pid of the Vitest main process; containers are labelled with it (orphan sweep). */
  ownerPid: number
  /** The project root; relative workspace and build paths resolve against it. */
  root: string
  resultsDir: string
  /** `runs/<runId>` under the results dir; case directories go inside. */
  runDir: string
  /** What `sandbox: 'auto'` prefers in this run: a provider name (see `sandbox/providers.ts`). */
  autoProvider: string
  /** Why auto fell back to local (engine error), when it did. */
  autoReason?: string
  /** Project-level sandbox defaults (`evalsProject({ sandbox })`). */
  sandboxDefaults?: SandboxSpec
  /** Default agent/task timeout in ms. */
  timeout?: number
  /** Main-process sandbox service (image builds, warm pool), when running. */
  brokerUrl?: string
  /** The secret every request to that service carries (never written anywhere). */
  brokerToken?: string
  /** More variable names whose values are secrets (`evalsProject({ secrets })`). */
  secrets?: string[]
}
