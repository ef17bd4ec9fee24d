/** Model access for judges and examples: one client over fetch, pricing, cache (a fake server is in `evalbox/testing`). */

export {
  DEFAULT_PRICING,
  findModelPrice,
  type ModelPrice,
  type PricedCost,
  type PricingTable,
  priceUsage,
} from '../core/pricing.ts'
export { createModelClient } from './client.ts'
export { type ResolvedModelConfig, resolveModelConfig } from './config.ts'
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
