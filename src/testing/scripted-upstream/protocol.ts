import type { ServerResponse } from 'node:http'
import type { ConversationView, Reply } from './script.ts'

/** The wire protocols the scripted upstream speaks. */
export type UpstreamProtocolName = 'anthropic' | 'openai-responses' | 'openai-chat' | 'gemini'

/** Token counts of one reply, as the protocol reports them (input uncached). */
export interface ReplyTokens {
  readonly input: number
  readonly output: number
}

/** One protocol: which requests it answers, what it reads off them, how it writes a reply. */
export interface UpstreamProtocol {
  readonly name: UpstreamProtocolName
  /** True for the method and path (no query) this protocol answers. */
  matches(method: string, path: string): boolean
  /**
   * The JSON body of a request that is no model call (Anthropic's `count_tokens`), answered
   * as it is: no script, no failure injected. Undefined for model calls.
   */
  direct?(method: string, path: string, body: unknown, bytes: number): unknown
  /** The conversation a request body carries (`path` for protocols that put the model there). */
  read(body: unknown, path: string): ConversationView
  /** Sends `reply`: server-sent events when `view.stream`, else one JSON body. */
  send(res: ServerResponse, reply: Reply, view: ConversationView, tokens: ReplyTokens): void
  /** Sends an error in the protocol's own shape. */
  sendError(res: ServerResponse, status: number, message: string): void
}
