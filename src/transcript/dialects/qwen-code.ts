/**
 * Qwen Code's `--output-format stream-json`: Claude Code's events (`system` init,
 * `assistant` messages of `text` / `tool_use` blocks with their usage, `user` tool results,
 * a final `result` with the run's usage and no cost), with Qwen's own tool names.
 */
import type { StreamJsonEvent } from '../events.ts'
import type { TranscriptDialect } from '../parser.ts'
import { renameTools } from './tool-names.ts'

/** Qwen Code 0.15 tool names → the common names. */
export const QWEN_CODE_TOOL_NAMES: Readonly<Record<string, string>> = {
  run_shell_command: 'Bash',
  write_file: 'Write',
  read_file: 'Read',
  edit: 'Edit',
  glob: 'Glob',
  grep_search: 'Grep',
  list_directory: 'LS',
  web_fetch: 'WebFetch',
  web_search: 'WebSearch',
  todo_write: 'TodoWrite',
  agent: 'Task',
  skill: 'Skill',
}

/** Qwen Code's stream-json, its tools renamed to the common names. */
export const qwenCodeDialect: TranscriptDialect = {
  name: 'qwen-code',
  start: () => ({
    line: (event: StreamJsonEvent) => [renameTools(event, QWEN_CODE_TOOL_NAMES)],
  }),
}
