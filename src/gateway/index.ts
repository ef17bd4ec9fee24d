/**
 * The model gateway: an HTTP server in the Vitest main process through which every model call
 * of a sandboxed agent goes. The agent holds a base URL with a per-case token and a dummy key;
 * the real keys stay in this process.
 *
 * API. `startGateway(options)` listens on 127.0.0.1 (any free port unless `port`) and, with
 * `socketPath`, on a unix socket made 0666. It returns `{ url, socketPath, adminToken,
 * openCase, caseUsage, closeCase, runUsage, close }`. Workers reach the same through
 * `gatewayClient({ url, adminToken })`, over the admin API: `POST /_evalbox/cases` (body
 * `OpenCaseOptions`) → `{ token, prefix }`, or 402 `{error:'run_budget_spent', message}`;
 * `GET /_evalbox/cases/<token>` → `CaseUsage` so far; `DELETE /_evalbox/cases/<token>` → closes
 * the case and returns its final `CaseUsage`; `GET /_evalbox/run` → `RunUsage`. Every admin call
 * needs `authorization: Bearer <adminToken>` (32 random bytes, compared in constant time), else 401.
 * `upstreamsFromEnv(env)` reads `ANTHROPIC_API_KEY`, `OPENAI_API_KEY`, `GEMINI_API_KEY` and
 * `EVALBOX_<PROVIDER>_BASE_URL`; `resolveModelMode(env, facts)` picks live, record or replay.
 *
 * Routes. Agents call `<url>/c/<token>/<path>`. Forwarded: `POST /v1/messages` (Anthropic),
 * `POST /v1/responses` and `/v1/chat/completions` (OpenAI, also without `/v1`), Gemini
 * `POST /v1beta|v1/models/<model>:generateContent|:streamGenerateContent`; and, not counted as
 * model calls, `POST /v1/messages/count_tokens`, `:countTokens`, `GET /v1/models`,
 * `GET /v1beta/models`. Anything else is refused 403 and recorded `refused`, never forwarded;
 * the upstream path is rebuilt from the route, never copied. An unknown token is 401, a closed
 * case's 403, in the protocol's error shape. The client's key headers (`x-api-key`,
 * `authorization`, `x-goog-api-key`, `api-key`) and a `key=` query are always dropped and the
 * real key set; hop-by-hop headers, `host`, `cookie` dropped; `accept-encoding: identity` asked
 * so usage can be read. Answers stream through chunk by chunk (tee'd into an SSE parser for
 * usage); any real key in an answer is replaced by `[REDACTED]` before the agent sees it. A
 * client that goes away aborts the upstream request; an unreachable upstream is a 502 in the
 * protocol's error shape; a protocol with no upstream is 503 naming the key to set.
 *
 * Usage. Normalised to `TokenUsage` (`input` uncached) and priced with `priceUsage` (model from
 * the answer, else the request). A chat stream without `stream_options.include_usage` carries
 * no usage: the call counts, `unknownUsageCalls` too, no tokens are invented. `errors` counts
 * calls that failed: upstream non-2xx (passed through as the provider sent it), unreachable
 * (502), broken off, the agent gone, an error event inside a 200 stream, a replay mismatch.
 *
 * Budgets. Case `maxCostUsd`, `maxTokens` (input + output + cache), `maxModelCalls`; run
 * `maxCostUsd`. Checked before each call, against what completed calls reported: the call
 * that crosses a limit finishes (so spending may overshoot once, by that call); the next is not
 * forwarded. The refusal is HTTP 400 in the protocol's invalid-request shape (Anthropic
 * `invalid_request_error`, OpenAI `invalid_request_error` with code `evalbox_budget_exceeded`,
 * Gemini `INVALID_ARGUMENT`) with a message such as "evalbox: case budget maxCostUsd ($0.10)
 * spent: $0.1234 used": 400, not 429, because agents retry 429 and 5xx but stop on 400.
 * `CaseUsage.budgetExceeded` says which limit. A spent run budget also refuses `openCase`.
 *
 * Calls file (`callsFile`, NDJSON, appended in completion order, flushed before `closeCase`
 * resolves): one `CallRecord` per request: `{ seq, at, protocol, method, path, model, stream,
 * status, durationMs, request, response, usage, costUsd, refused?, replayed?, error? }`; for SSE
 * `response` is the list of events' data, parsed. Each body is cut at 1 MiB with a note. Lines
 * are redacted (the upstream keys, `secrets`, and every key shape).
 *
 * Cassettes (NDJSON, one `CassetteEntry` per call: `{ v: 1, seq, protocol, method, path, hash,
 * request, status, contentType, body | bodyBase64 }`). `record` forwards live and writes each
 * completed call: the normalised request (without `metadata.user_id`, `prompt_cache_key`,
 * `user`, `safety_identifier`, `stream_options`) and the answer's bytes as the agent got them.
 * Values that change from run to run (temp folders, dates, ids, pids, timings, lists in load
 * order) are masked before hashing, each for a reason given in `VOLATILE_VALUES` (cassette.ts).
 * `replay` needs no upstream and no key: a request is matched by the hash of method, path and
 * normalised request, the first unused entry with that hash winning (order breaks ties), else
 * an already used one (a retry); otherwise it is a mismatch: a 400 in the protocol's shape and
 * `replay.mismatch`, e.g. "request 2: messages[0].content differs: recorded 'Fix paginate' vs
 * now 'Fix pagination'", diffed against the first unused entry. Answers are served byte for
 * byte, SSE event by event.
 */
export { emptyUsage, totalTokens } from './account.ts'
export type { CallRecord } from './calls.ts'
export type { CassetteEntry } from './cassette.ts'
export { jsonDiff, normaliseRequest } from './cassette.ts'
export { type GatewayClient, gatewayClient } from './client.ts'
export { MODEL_MODE_VARIABLE, type ModelMode, resolveModelMode, upstreamsFromEnv } from './config.ts'
export { closeServer, listenOn } from './listen.ts'
export { createGateway, RunBudgetSpentError, startGateway } from './server.ts'
export type {
  BudgetExceeded,
  CaseBudget,
  CaseUsage,
  CassetteOptions,
  Gateway,
  GatewayCore,
  GatewayOptions,
  ModelUsage,
  OpenCaseOptions,
  OpenedCase,
  ProtocolName,
  RunBudget,
  RunUsage,
  Upstream,
  Upstreams,
} from './types.ts'

/** The key agents are given: any value works, the gateway drops it; this one says what it is. */
export const GATEWAY_DUMMY_KEY = 'evalbox-gateway-holds-the-real-key'
