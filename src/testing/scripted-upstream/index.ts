export type { UpstreamProtocol, UpstreamProtocolName } from './protocol.ts'
export {
  type AnswerStep,
  bindStep,
  type OfferedTool,
  type ReadFileStep,
  type ShellStep,
  type UpstreamScript,
  type UpstreamStep,
  type WriteFileStep,
  writeCommand,
} from './script.ts'
export {
  type ScriptedUpstream,
  type ScriptedUpstreamOptions,
  startScriptedUpstream,
  type UpstreamCall,
} from './server.ts'
