/**
 * evalbox/testing — what tests of evals and of evalbox extensions need, kept out of the main
 * entry: a real HTTP server on 127.0.0.1 that speaks the model APIs, and the contract suite
 * every sandbox provider passes.
 */
export {
  type FakeAnswer,
  type FakeModelServer,
  type FakeModelServerOptions,
  type FakeScript,
  type RateLimitOptions,
  type RecordedRequest,
  startFakeModelServer,
} from './fake-model-server.ts'
export { describeSandboxContract, type SandboxFactory } from './sandbox-contract.ts'
export {
  type ScriptedUpstream,
  type ScriptedUpstreamOptions,
  startScriptedUpstream,
  type UpstreamCall,
  type UpstreamScript,
  type UpstreamStep,
} from './scripted-upstream/index.ts'
