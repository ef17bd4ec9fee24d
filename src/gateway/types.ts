import type { IncomingMessage, ServerResponse } from 'node:http'
import type { PricingTable } from '../core/pricing.ts'
import type { TokenUsage } from '../core/usage.ts'

/** The wire protocols the gateway speaks; `openai-chat` and `openai-responses` share `upstreams.openai`. */
export type ProtocolName = 'anthropic' | 'openai-responses' | 'openai-chat' | 'gemini'

/** One real model API: where it is and the key only the host process holds. */
export interface Upstream {
  /** e.g. `https://api.anthropic.com`; a trailing `/v1` (or `/v1beta` for Gemini) is allowed. */
  readonly baseUrl: string
  readonly apiKey: string
}

/** The upstreams a gateway may use; a protocol without one is answered 503. */
export interface Upstreams {
  readonly anthropic?: Upstream
  /** Serves both the Responses and the Chat Completions API, unless `openaiChat` is set. */
  readonly openai?: Upstream
  /** Chat Completions only (an OpenAI-compatible server that is not OpenAI). */
  readonly openaiChat?: Upstream
  readonly gemini?: Upstream
}

/** Spending limits of one case; checked before each call is forwarded. */
export interface CaseBudget {
  readonly maxCostUsd?: number
  /** input + output + cache reads + cache writes. */
  readonly maxTokens?: number
  readonly maxModelCalls?: number
}

/** A cassette: `record` forwards live and writes each call; `replay` serves them without upstream. */
export interface CassetteOptions {
  /** Absolute path of the cassette's NDJSON file. */
  readonly path: string
  readonly mode: 'record' | 'replay'
}

/** What `openCase` takes. */
export interface OpenCaseOptions {
  /** The case's name, for messages and logs. */
  readonly caseKey: string
  /** Absolute path of the case's `model-calls.ndjson`; no calls file when absent. */
  readonly callsFile?: string
  readonly budget?: CaseBudget
  readonly cassette?: CassetteOptions
}

/** What `openCase` returns: the token the agent's base URL carries, and that URL's path prefix. */
export interface OpenedCase {
  readonly token: string
  /** `/c/<token>`: the agent's base URL is the gateway's URL followed by this. */
  readonly prefix: string
}

/** Which limit stopped a case, and why, in words. */
export interface BudgetExceeded {
  readonly limit: 'maxCostUsd' | 'maxTokens' | 'maxModelCalls'
  /** `case` for the case's own budget, `run` for the run's. */
  readonly scope: 'case' | 'run'
  readonly detail: string
}

/** The spending of one model. */
export interface ModelUsage {
  calls: number
  tokens: TokenUsage
  costUsd: number
}

/** What a case used, as counted from the wire. */
export interface CaseUsage {
  /** Calls forwarded upstream (or served from the cassette), failed ones included. */
  calls: number
  /** Calls not forwarded: forbidden paths, spent budgets, closed case. */
  refused: number
  /** Calls that failed: upstream unreachable, upstream non-2xx, client gone, replay mismatch. */
  errors: number
  tokens: TokenUsage
  costUsd: number
  /** Calls whose model is not in the pricing table (their cost counts as 0). */
  unpricedCalls: number
  /** Calls whose answer carried no usage (a chat stream without `stream_options.include_usage`). */
  unknownUsageCalls: number
  byModel: Record<string, ModelUsage>
  budgetExceeded?: BudgetExceeded
  replay?: { mismatch?: string }
}

/** The whole run's spending. */
export interface RunUsage {
  cases: number
  openCases: number
  calls: number
  tokens: TokenUsage
  costUsd: number
  budget?: RunBudget
  /** True once the run's budget is spent: new cases are refused and open cases' calls too. */
  spent: boolean
}

export interface RunBudget {
  readonly maxCostUsd?: number
}

/** Options of `startGateway`. */
export interface GatewayOptions {
  /** @default upstreamsFromEnv(process.env) */
  readonly upstreams?: Upstreams
  /** @default 0 (any free port), on 127.0.0.1 */
  readonly port?: number
  /** Also listen on this unix socket (made 0666, a stale one is replaced). */
  readonly socketPath?: string
  readonly budget?: RunBudget
  /** Merged over `DEFAULT_PRICING`. */
  readonly pricing?: PricingTable
  /** More values to redact from calls files and cassettes; the upstream keys always are. */
  readonly secrets?: readonly string[]
  /** Refused and failed requests are reported here. @default nothing */
  readonly log?: (line: string) => void
  /** The admin API's secret, when the caller made it already. @default 32 random bytes */
  readonly adminToken?: string
}

/** The gateway without servers: its request handler and the in-process API. */
export interface GatewayCore {
  readonly handler: (req: IncomingMessage, res: ServerResponse) => void
  readonly adminToken: string
  openCase(options: OpenCaseOptions): Promise<OpenedCase>
  caseUsage(token: string): CaseUsage
  closeCase(token: string): Promise<CaseUsage>
  runUsage(): RunUsage
  /** Closes the open cases (their calls files flushed) and the upstream connections. */
  close(): Promise<void>
}

/** The in-process API of a running gateway. */
export interface Gateway extends GatewayCore {
  /** `http://127.0.0.1:<port>` */
  readonly url: string
  readonly socketPath?: string
  /** Closes the open cases, then the servers. */
  close(): Promise<void>
}
