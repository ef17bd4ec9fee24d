/**
 * What a scripted upstream plays: the steps one agent run asks its model for, and how a step
 * becomes a call of whichever tool the agent offers. Pure; the protocols render the result.
 */

/** The model asks the agent to run a shell command. */
export interface ShellStep {
  readonly shell: string
}

/** The model asks the agent to write a file (path relative to the agent's working directory). */
export interface WriteFileStep {
  readonly write: string
  readonly content: string
}

/**
 * The model asks the agent to read a file. Some agents refuse to overwrite a file they have
 * not read (Claude Code), so a script that rewrites a fixture file reads it first.
 */
export interface ReadFileStep {
  readonly read: string
}

/** The model answers in text and ends its turn: the agent's final message. */
export interface AnswerStep {
  readonly answer: string
}

/** One step of a script; a tool step waits for its tool result before the next one is played. */
export type UpstreamStep = ShellStep | WriteFileStep | ReadFileStep | AnswerStep

/** The steps of one agent run. */
export interface UpstreamScript {
  readonly steps: readonly UpstreamStep[]
  /**
   * Text for requests that offer no tools (titles, summaries, "who speaks next" checks the
   * CLIs make on the side). @default 'ok'
   */
  readonly sideAnswer?: string
}

/** A tool the request offers: its name and the property names of its JSON-schema parameters. */
export interface OfferedTool {
  readonly name: string
  /** Parameter name → JSON-schema `type` (`'string'`, `'array'`…), when the schema says. */
  readonly parameters: Readonly<Record<string, string | undefined>>
  /**
   * A freeform tool whose input is one raw string, not JSON (OpenAI's `custom` tools, e.g.
   * Codex's `apply_patch`): its call's input is `{ input: text }`, sent as the bare text.
   */
  readonly freeform?: boolean
}

/** A tool call to send back. */
export interface ToolCall {
  readonly name: string
  readonly input: Readonly<Record<string, unknown>>
}

/** What the upstream answers one request with. */
export type Reply =
  | { readonly kind: 'tool'; readonly call: ToolCall; readonly id: string; readonly text?: string }
  | { readonly kind: 'text'; readonly text: string }

/** Tool names of a shell, as the CLIs name theirs (first match wins). */
const SHELL_TOOLS = ['Bash', 'bash', 'run_shell_command', 'shell', 'exec_command', 'local_shell', 'execute']
/** Tool names of a file reader. */
const READ_TOOLS = ['Read', 'read', 'read_file', 'view']
/** Tool names of a file writer. */
const WRITE_TOOLS = ['Write', 'write', 'write_file', 'write_to_file', 'create_file']

/** Tool names of a patch applier that takes `*** Begin Patch` text (Codex's `apply_patch`). */
const PATCH_TOOLS = ['apply_patch']

const COMMAND_PARAMS = ['command', 'cmd']
const PATH_PARAMS = ['file_path', 'filePath', 'path', 'absolute_path']
const CONTENT_PARAMS = ['content', 'file_text', 'text']

function pick(offered: readonly OfferedTool[], names: readonly string[]): OfferedTool | undefined {
  for (const name of names) {
    const tool = offered.find((candidate) => candidate.name === name)
    if (tool) return tool
  }
  return undefined
}

function param(tool: OfferedTool, names: readonly string[], fallback: string): string {
  return names.find((name) => name in tool.parameters) ?? fallback
}

/** A shell call of `command` for the shell tool the agent offers. */
function shellCall(tool: OfferedTool, command: string, cwd: string | undefined): ToolCall {
  const name = param(tool, COMMAND_PARAMS, 'command')
  // Codex's `shell` takes an argv; the others a command line.
  const value = tool.parameters[name] === 'array' ? ['bash', '-lc', command] : command
  const input: Record<string, unknown> = { [name]: value }
  if ('description' in tool.parameters) input.description = 'scripted step'
  if (cwd !== undefined && 'workdir' in tool.parameters) input.workdir = cwd
  return { name: tool.name, input }
}

/** A shell command that writes `content` to `path` byte for byte (base64, so nothing is quoted). */
export function writeCommand(path: string, content: string): string {
  const quoted = `'${path.replaceAll("'", "'\\''")}'`
  const data = Buffer.from(content).toString('base64')
  return `mkdir -p "$(dirname ${quoted})" && printf %s ${data} | base64 -d > ${quoted}`
}

/** An `apply_patch` patch that adds `path` with `content` (each line prefixed with `+`). */
export function addFilePatch(path: string, content: string): string {
  const lines = content.endsWith('\n') ? content.slice(0, -1).split('\n') : content.split('\n')
  return [
    '*** Begin Patch',
    `*** Add File: ${path}`,
    ...lines.map((line) => `+${line}`),
    '*** End Patch',
    '',
  ].join('\n')
}

/** Where the step's file goes: absolute under `cwd` when the tool wants absolute paths. */
function filePath(path: string, cwd: string | undefined): string {
  if (path.startsWith('/') || cwd === undefined) return path
  return `${cwd.replace(/\/$/, '')}/${path}`
}

/**
 * The call that plays `step` with the tools on offer: a shell step through the shell tool, a
 * write step through the write tool, or through the shell when the agent has no write tool.
 * `cwd` is the agent's working directory when the request tells it (file tools want absolute
 * paths). Undefined when no usable tool is offered.
 */
export function bindStep(
  step: ShellStep | WriteFileStep | ReadFileStep,
  offered: readonly OfferedTool[],
  cwd?: string,
): ToolCall | undefined {
  const shell = pick(offered, SHELL_TOOLS)
  if ('shell' in step) return shell && shellCall(shell, step.shell, cwd)
  if ('read' in step) {
    const reader = pick(offered, READ_TOOLS)
    if (reader)
      return {
        name: reader.name,
        input: { [param(reader, PATH_PARAMS, 'file_path')]: filePath(step.read, cwd) },
      }
    return shell && shellCall(shell, `cat '${step.read.replaceAll("'", "'\\''")}'`, cwd)
  }
  const writer = pick(offered, WRITE_TOOLS)
  if (writer) {
    return {
      name: writer.name,
      input: {
        [param(writer, PATH_PARAMS, 'file_path')]: filePath(step.write, cwd),
        [param(writer, CONTENT_PARAMS, 'content')]: step.content,
      },
    }
  }
  // Codex offers no writer but a patch tool (for the models it knows): a file is an added file.
  const patcher = pick(offered, PATCH_TOOLS)
  if (patcher) return { name: patcher.name, input: { input: addFilePatch(step.write, step.content) } }
  return shell && shellCall(shell, writeCommand(step.write, step.content), cwd)
}

/** What a protocol reads off a request. */
export interface ConversationView {
  readonly model: string
  readonly stream: boolean
  readonly tools: readonly OfferedTool[]
  /** Every user-authored text of the conversation, joined (the script is picked from it). */
  readonly userText: string
  /** Tool results already in the conversation: the index of the step to play next. */
  readonly toolResults: number
  /** The agent's working directory, when the system prompt or environment text names it. */
  readonly cwd?: string
  /**
   * The text a side request (no tools) must get when it asks for a structured answer, e.g.
   * Gemini CLI's "who speaks next" check wants `{"next_speaker":"user",…}`; the script's
   * `sideAnswer` otherwise.
   */
  readonly sideReply?: string
}

/**
 * The reply to a request: side requests (no tools) get the side answer; otherwise the step
 * after the ones whose results are back. A run past its last step gets a closing answer.
 */
export function replyFor(script: UpstreamScript, view: ConversationView, id: string): Reply {
  if (view.tools.length === 0) return { kind: 'text', text: view.sideReply ?? script.sideAnswer ?? 'ok' }
  const step = script.steps[view.toolResults]
  if (step === undefined) return { kind: 'text', text: 'Done.' }
  if ('answer' in step) return { kind: 'text', text: step.answer }
  const call = bindStep(step, view.tools, view.cwd)
  if (!call) {
    const names = view.tools.map((tool) => tool.name).join(', ')
    return {
      kind: 'text',
      text: `scripted upstream: no tool to play ${JSON.stringify(step)} (offered: ${names})`,
    }
  }
  return { kind: 'tool', call, id }
}

/** Deterministic token counts of one reply: a quarter of the bytes, as rough tokenizers do. */
export function replyUsage(requestBytes: number, reply: Reply): { input: number; output: number } {
  const out = reply.kind === 'text' ? reply.text : JSON.stringify(reply.call.input)
  return {
    input: Math.max(1, Math.ceil(requestBytes / 4)),
    output: 8 + Math.ceil(Buffer.byteLength(out) / 4),
  }
}
