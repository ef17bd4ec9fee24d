import { anthropicProtocol } from './anthropic.ts'
import { chatProtocol } from './chat.ts'
import { geminiProtocol } from './gemini.ts'
import type { UpstreamProtocol } from './protocol.ts'
import { responsesProtocol } from './responses.ts'

/** Every protocol the scripted upstream speaks, tried in order. */
export const PROTOCOLS: readonly UpstreamProtocol[] = [
  anthropicProtocol,
  chatProtocol,
  responsesProtocol,
  geminiProtocol,
]
