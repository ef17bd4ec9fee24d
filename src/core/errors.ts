/**
 * Stable error codes. A code never changes meaning once released; messages may improve.
 */
export type EvalboxErrorCode =
  | 'INVALID_OPTIONS'
  | 'SANDBOX_UNAVAILABLE'
  | 'SANDBOX_PATH_ESCAPE'
  | 'HOST_SANDBOX_REFUSED'
  | 'DOCKER_UNREACHABLE'
  | 'IMAGE_UNAVAILABLE'
  | 'IMAGE_BUILD_FAILED'
  | 'RESULTS_DIR_UNWRITABLE'
  | 'RESULT_FILE_INVALID'
  | 'RESULT_SCHEMA_TOO_NEW'
  | 'NO_RESULTS'
  | 'AGENT_FAILED'
  | 'MODEL_API_ERROR'
  | 'GRADER_CONFIG'
  | 'CLI_USAGE'

/**
 * The one base class for errors evalbox throws on purpose. `code` is stable and safe to
 * branch on; the message says what was wrong, with the value, and what to do about it.
 */
export class EvalboxError extends Error {
  readonly code: EvalboxErrorCode

  constructor(code: EvalboxErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'EvalboxError'
    this.code = code
  }
}

/**
 * A sandbox that is dead or unreachable. Raised for infrastructure failure only: a command
 * that runs and fails is an `ExecResult`, never this error, so agent failure and
 * infrastructure failure are never confused.
 */
export class SandboxUnavailableError extends EvalboxError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('SANDBOX_UNAVAILABLE', message, options)
    this.name = 'SandboxUnavailableError'
  }
}

export { describeValue } from './validate.ts'

/** The error of bad options (`parseOptions`'s `error`): `INVALID_OPTIONS`. */
export function invalidOptions(message: string): EvalboxError {
  return new EvalboxError('INVALID_OPTIONS', message)
}

/** The error of a grader's bad options (`parseOptions`'s `error`): `GRADER_CONFIG`. */
export function graderConfig(message: string): EvalboxError {
  return new EvalboxError('GRADER_CONFIG', message)
}

/** The message of any thrown value, for places that must turn errors into data. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message
  return String(error)
}
