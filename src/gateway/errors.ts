import { EvalboxError } from '../core/errors.ts'

/**
 * Thrown by `openCase` once the run's budget is spent; the admin API answers it 402
 * `{error:'run_budget_spent', message}` and `gatewayClient` throws it again. Its code is
 * `MODEL_API_ERROR` (core has no budget code); branch on the class or on `reason`.
 */
export class RunBudgetSpentError extends EvalboxError {
  readonly reason = 'run_budget_spent'
  constructor(message: string) {
    super('MODEL_API_ERROR', message)
    this.name = 'RunBudgetSpentError'
  }
}
