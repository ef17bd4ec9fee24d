import { type PricingTable, priceUsage } from '../core/pricing.ts'
import type { TokenUsage } from '../core/usage.ts'
import type { BudgetExceeded, CaseBudget, CaseUsage, RunBudget, RunUsage } from './types.ts'

export function emptyUsage(): CaseUsage {
  return {
    calls: 0,
    refused: 0,
    errors: 0,
    tokens: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 },
    costUsd: 0,
    unpricedCalls: 0,
    unknownUsageCalls: 0,
    byModel: {},
  }
}

export function totalTokens(tokens: TokenUsage): number {
  return tokens.input + tokens.output + (tokens.cacheRead ?? 0) + (tokens.cacheWrite ?? 0)
}

function addTokens(into: TokenUsage, add: TokenUsage): void {
  into.input += add.input
  into.output += add.output
  into.cacheRead = (into.cacheRead ?? 0) + (add.cacheRead ?? 0)
  into.cacheWrite = (into.cacheWrite ?? 0) + (add.cacheWrite ?? 0)
}

const usd = (n: number) => `$${n.toFixed(n < 1 ? 4 : 2).replace(/(\.\d\d\d*?)0+$/, '$1')}`

/** The run's totals, kept as each call completes. */
export class RunAccount {
  cases = 0
  openCases = 0
  calls = 0
  costUsd = 0
  readonly tokens: TokenUsage = { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 }

  constructor(readonly budget: RunBudget | undefined) {}

  /** The spent run budget, in words; undefined while there is budget left. */
  spent(): BudgetExceeded | undefined {
    const max = this.budget?.maxCostUsd
    if (max === undefined || this.costUsd < max) return undefined
    return {
      limit: 'maxCostUsd',
      scope: 'run',
      detail: `evalbox: run budget maxCostUsd (${usd(max)}) spent: ${usd(this.costUsd)} used`,
    }
  }

  usage(): RunUsage {
    return {
      cases: this.cases,
      openCases: this.openCases,
      calls: this.calls,
      tokens: { ...this.tokens },
      costUsd: this.costUsd,
      ...(this.budget ? { budget: this.budget } : {}),
      spent: this.spent() !== undefined,
    }
  }
}

/**
 * One case's spending. Budgets are checked before a call is forwarded, against what completed
 * calls reported on the wire: a call is never cut short, so the call that crosses a limit
 * finishes (and may overshoot it once, by its own size); the next one is refused.
 * `maxModelCalls` counts calls as they start, so concurrent calls cannot overshoot it.
 */
export class CaseAccount {
  readonly usage: CaseUsage = emptyUsage()

  constructor(
    readonly budget: CaseBudget | undefined,
    private readonly run: RunAccount,
    private readonly pricing: PricingTable,
  ) {}

  /** The budget (the case's, else the run's) that forbids another call, if any. */
  exceeded(): BudgetExceeded | undefined {
    const { budget, usage } = this
    if (budget?.maxModelCalls !== undefined && usage.calls >= budget.maxModelCalls)
      return {
        limit: 'maxModelCalls',
        scope: 'case',
        detail: `evalbox: case budget maxModelCalls (${budget.maxModelCalls}) spent: ${usage.calls} calls made`,
      }
    if (budget?.maxCostUsd !== undefined && usage.costUsd >= budget.maxCostUsd)
      return {
        limit: 'maxCostUsd',
        scope: 'case',
        detail: `evalbox: case budget maxCostUsd (${usd(budget.maxCostUsd)}) spent: ${usd(usage.costUsd)} used`,
      }
    const tokens = totalTokens(usage.tokens)
    if (budget?.maxTokens !== undefined && tokens >= budget.maxTokens)
      return {
        limit: 'maxTokens',
        scope: 'case',
        detail: `evalbox: case budget maxTokens (${budget.maxTokens}) spent: ${tokens} tokens used`,
      }
    return this.run.spent()
  }

  refuse(exceeded: BudgetExceeded): void {
    this.usage.refused++
    this.usage.budgetExceeded ??= exceeded
  }

  start(): void {
    this.usage.calls++
    this.run.calls++
  }

  /** Counts a completed call; returns its cost (undefined when its usage is unknown). */
  complete(model: string, tokens: TokenUsage | undefined): number | undefined {
    const { usage } = this
    const perModel = usage.byModel[model] ?? {
      calls: 0,
      tokens: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 },
      costUsd: 0,
    }
    usage.byModel[model] = perModel
    perModel.calls++
    if (!tokens) {
      usage.unknownUsageCalls++
      return undefined
    }
    const { costUsd, priced } = priceUsage(model, tokens, this.pricing)
    if (!priced) usage.unpricedCalls++
    addTokens(usage.tokens, tokens)
    addTokens(perModel.tokens, tokens)
    addTokens(this.run.tokens, tokens)
    usage.costUsd += costUsd
    perModel.costUsd += costUsd
    this.run.costUsd += costUsd
    return costUsd
  }

  snapshot(): CaseUsage {
    return structuredClone(this.usage)
  }
}
