import { EvalboxError, errorMessage } from '../core/errors.ts'
import { RunBudgetSpentError } from './errors.ts'
import type { CaseUsage, OpenCaseOptions, OpenedCase, RunUsage } from './types.ts'

/** The admin API of a gateway in another process (the Vitest main process), for workers. */
export interface GatewayClient {
  openCase(options: OpenCaseOptions): Promise<OpenedCase>
  caseUsage(token: string): Promise<CaseUsage>
  closeCase(token: string): Promise<CaseUsage>
  runUsage(): Promise<RunUsage>
}

/**
 * A client of `/_evalbox/*` over HTTP. Errors keep the gateway's message; a spent run budget
 * is a `RunBudgetSpentError`, as from the in-process `openCase`.
 */
export function gatewayClient(options: { url: string; adminToken: string }): GatewayClient {
  const base = options.url.replace(/\/+$/, '')
  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    let response: Response
    try {
      response = await fetch(`${base}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${options.adminToken}`,
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      })
    } catch (error) {
      throw new EvalboxError(
        'MODEL_API_ERROR',
        `the model gateway at ${base} is unreachable (${errorMessage(error)}); is the Vitest main process running it?`,
        { cause: error },
      )
    }
    const text = await response.text()
    let json: { error?: string; message?: string } | undefined
    try {
      json = JSON.parse(text)
    } catch {}
    if (response.ok) return json as T
    const message = json?.message ?? text
    if (response.status === 402 && json?.error === 'run_budget_spent') throw new RunBudgetSpentError(message)
    throw new EvalboxError(
      response.status === 400 ? 'INVALID_OPTIONS' : 'MODEL_API_ERROR',
      `model gateway ${method} ${path}: ${response.status} ${message}`,
    )
  }
  return {
    openCase: (caseOptions) => call('POST', '/_evalbox/cases', caseOptions),
    caseUsage: (token) => call('GET', `/_evalbox/cases/${encodeURIComponent(token)}`),
    closeCase: (token) => call('DELETE', `/_evalbox/cases/${encodeURIComponent(token)}`),
    runUsage: () => call('GET', '/_evalbox/run'),
  }
}
