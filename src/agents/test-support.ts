import type { Sandbox } from '../sandbox/types.ts'
import type { AgentContext } from './types.ts'

/** An `AgentContext` for tests that records the log and kept files in memory. */
export interface RecordingContext extends AgentContext {
  /** Everything logged, decoded as text. */
  logText(): string
  /** Files kept by name. */
  readonly kept: Map<string, string>
}

/** Makes a context like the case runner's, minus the files on disk. */
export function recordingContext(
  sandbox: Sandbox,
  options: { prompt?: string; timeoutMs?: number; signal?: AbortSignal; maxOutputBytes?: number } = {},
): RecordingContext {
  const chunks: string[] = []
  const kept = new Map<string, string>()
  const decoder = new TextDecoder()
  return {
    sandbox,
    prompt: options.prompt ?? 'Do the task.',
    input: options.prompt,
    signal: options.signal ?? new AbortController().signal,
    timeoutMs: options.timeoutMs,
    maxOutputBytes: options.maxOutputBytes,
    log: (chunk) => {
      chunks.push(typeof chunk === 'string' ? chunk : decoder.decode(chunk))
    },
    keep: async (name, data) => {
      kept.set(name, typeof data === 'string' ? data : decoder.decode(data))
      return `runs/test/${name}`
    },
    logText: () => chunks.join(''),
    kept,
  }
}
