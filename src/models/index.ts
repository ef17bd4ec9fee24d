/** Model access for judges and examples: one client over fetch, pricing, cache, a fake server. */
export { createModelClient } from './client.ts'
export { type ResolvedModelConfig, resolveModelConfig } from './config.ts'
export {
  type FakeAnswer,
  type FakeModelServer,
  type FakeModelServerOptions,
  type FakeScript,
  type RateLimitOptions,
  type RecordedRequest,
  startFakeModelServer,
} from './fake-model-server.ts'
export {
  DEFAULT_PRICING,
  findModelPrice,
  type ModelPrice,
  type PricedCost,
  type PricingTable,
  priceUsage,
} from './pricing.ts'
export type {
  CompleteRequest,
  CompleteResult,
  ModelClient,
  ModelClientOptions,
  ModelMessage,
  ModelProvider,
  ModelSpend,
  RetryOptions,
} from './types.ts'
