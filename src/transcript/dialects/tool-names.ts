import { isRecord, type StreamJsonEvent } from '../events.ts'

/**
 * Renames the `tool_use` blocks of an `assistant` event by `names` (unlisted names are kept),
 * so every CLI's calls count under the common names (`Bash`, `Write`…). Other events pass.
 */
export function renameTools(
  event: StreamJsonEvent,
  names: Readonly<Record<string, string>>,
): StreamJsonEvent {
  if (event.type !== 'assistant' || !isRecord(event.message)) return event
  const content = event.message.content
  if (!Array.isArray(content)) return event
  const renamed = content.map((block) =>
    isRecord(block) && block.type === 'tool_use' && typeof block.name === 'string' && names[block.name]
      ? { ...block, name: names[block.name] }
      : block,
  )
  return { ...event, message: { ...event.message, content: renamed } }
}
