import { anthropicProtocol } from './anthropic.ts'
import { chatProtocol } from './chat.ts'
import type { UpstreamProtocol } from './protocol.ts'

/** Every protocol the scripted upstream speaks, tried in order. */
export const PROTOCOLS: readonly UpstreamProtocol[] = [anthropicProtocol, chatProtocol]
