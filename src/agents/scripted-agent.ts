import { posix } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import * as z from 'zod'
import { DEFAULT_MAX_OUTPUT_BYTES } from '../core/defaults.ts'
import { errorMessage, invalidOptions, SandboxUnavailableError } from '../core/errors.ts'
import { lazy } from '../core/lazy.ts'
import { parseOptions } from '../core/validate.ts'
import { formatToolCall } from '../transcript/index.ts'
import { describeCommand } from './command-template.ts'
import { createRunControl } from './run-control.ts'
import { checkSteps, type ScriptedStep, stepKind } from './scripted-steps.ts'
import { createScriptedTranscript, type ScriptedTranscript } from './scripted-transcript.ts'
import type { AgentContext, AgentObject, AgentResult, ExitReason } from './types.ts'

export type { ScriptedStep } from './scripted-steps.ts'

/** Options of `agents.scripted`. */
export interface ScriptedAgentOptions {
  /** Name shown in results. @default 'scripted' */
  name?: string
  /** Model named in the transcript's init event (and so in results). @default 'scripted' */
  model?: string
}

const optionsSchema = lazy(() =>
  z.strictObject({
    name: z.string().min(1).optional(),
    model: z.string().min(1).optional(),
  }),
)

/** A step that could not be done; ends the run with `agent_error`. */
class StepFailed extends Error {}

/**
 * A deterministic agent for offline evals and tests: it performs `steps` through the
 * sandbox and writes a real stream-json transcript of them (one assistant message per
 * step, tool calls named Write / Edit / Bash, tool results, a final result event), kept as
 * `transcript.ndjson` and parsed by the same code as real agents' transcripts.
 *
 * @example agents.scripted([{ edit: 'src/paginate.js', find: '- 1)', replace: ')' }, { run: 'npm test', expectExit: 0 }, { finish: 'Fixed.' }])
 */
export function scripted(steps: readonly ScriptedStep[], options: ScriptedAgentOptions = {}): AgentObject {
  checkSteps(steps)
  parseOptions(optionsSchema(), options, { api: 'agents.scripted()', error: invalidOptions })
  const script = [...steps]
  return { agentName: options.name ?? 'scripted', run: (ctx) => runScripted(script, options, ctx) }
}

async function runScripted(
  steps: readonly ScriptedStep[],
  options: ScriptedAgentOptions,
  ctx: AgentContext,
): Promise<AgentResult> {
  const started = performance.now()
  // Every built-in agent keeps the prompt it was given (docs/agents.md, run directories).
  await ctx.keep('prompt.md', ctx.prompt)
  const control = createRunControl(ctx.signal, ctx.timeoutMs)
  const transcript = createScriptedTranscript(ctx.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES)
  transcript.init(ctx.sandbox.workdir, options.model ?? 'scripted')
  let failure: string | undefined
  let final = ''
  try {
    for (const [index, step] of steps.entries()) {
      if (control.signal.aborted) break
      try {
        await perform(step, ctx, control.signal, transcript)
      } catch (error) {
        if (control.signal.aborted) break
        if (error instanceof SandboxUnavailableError) throw error
        failure = `step ${index + 1} (${stepLabel(step)}): ${errorMessage(error)}`
        break
      }
      if (stepKind(step) === 'finish') final = (step as { finish: string }).finish
    }
    const stopped = control.signal.aborted
    const durationMs = Math.round(performance.now() - started)
    // A stopped run gets no result event, as a killed process would not write one.
    if (!stopped) {
      transcript.result(
        failure === undefined
          ? { subtype: 'success', isError: false, result: final, durationMs }
          : { subtype: 'error_during_execution', isError: true, result: '', durationMs },
      )
    }
    const exitReason: ExitReason = stopped
      ? control.timedOut()
        ? 'timeout'
        : 'canceled'
      : failure === undefined
        ? 'success'
        : 'agent_error'
    transcript.parser.end()
    const metrics = transcript.parser.metrics({ timedOut: exitReason === 'timeout' })
    const result: AgentResult = {
      output: metrics.finalMessage ?? '',
      exitReason,
      exitCode: null,
      durationMs,
      metrics,
      transcript: [...transcript.parser.events],
    }
    if (failure !== undefined) result.error = failure
    const truncation = transcript.truncation()
    if (Object.keys(truncation).length > 0) result.outputTruncated = truncation
    return result
  } finally {
    control.dispose()
    await ctx.keep('transcript.ndjson', transcript.text())
  }
}

function stepLabel(step: ScriptedStep): string {
  const kind = stepKind(step)!
  if (kind === 'function') return `function ${(step as () => void).name || 'anonymous'}`
  const value = (step as unknown as Record<string, unknown>)[kind]
  return `${kind} ${typeof value === 'string' ? value : JSON.stringify(value)}`
}

async function perform(
  step: ScriptedStep,
  ctx: AgentContext,
  signal: AbortSignal,
  transcript: ScriptedTranscript,
): Promise<void> {
  const { sandbox } = ctx
  const call = (name: string, input: Record<string, unknown>) => {
    ctx.log(`> ${formatToolCall(name, input, { cwd: sandbox.workdir })}\n`)
    return transcript.toolUse(name, input)
  }
  if (typeof step === 'function') {
    const id = call('Function', { description: step.name || 'anonymous step' })
    await step(ctx)
    transcript.toolResult(id, 'done', false)
  } else if ('write' in step) {
    const path = posix.resolve(sandbox.workdir, step.write)
    const shown = typeof step.content === 'string' ? step.content : `<${step.content.byteLength} bytes>`
    const id = call('Write', { file_path: path, content: shown })
    await sandbox.writeFile(path, step.content)
    transcript.toolResult(id, `File written: ${path}`, false)
  } else if ('edit' in step) {
    const path = posix.resolve(sandbox.workdir, step.edit)
    const id = call('Edit', { file_path: path, old_string: step.find, new_string: step.replace })
    const text = await sandbox.readFile(path).then(
      (data) => data.toString('utf8'),
      (error: unknown) => {
        if (error instanceof SandboxUnavailableError) throw error
        transcript.toolResult(id, errorMessage(error), true)
        throw new StepFailed(`cannot read ${path}: ${errorMessage(error)}`)
      },
    )
    const at = text.indexOf(step.find)
    if (at === -1) {
      const message = `the text to find is not in ${path}: ${JSON.stringify(step.find.slice(0, 200))}`
      transcript.toolResult(id, message, true)
      throw new StepFailed(message)
    }
    await sandbox.writeFile(path, text.slice(0, at) + step.replace + text.slice(at + step.find.length))
    transcript.toolResult(id, `The file ${path} has been updated.`, false)
  } else if ('run' in step) {
    const argv = typeof step.run === 'string' ? ['sh', '-c', step.run] : [...step.run]
    const command = typeof step.run === 'string' ? step.run : describeCommand(step.run, undefined)
    const id = call('Bash', { command })
    const result = await sandbox.exec(argv, { signal, onOutput: (chunk) => ctx.log(chunk) })
    if (signal.aborted) return
    const failed = result.exitCode !== 0
    const output = `${result.stdout}${result.stderr}${failed ? `\n[exit code ${result.exitCode ?? result.signal}]` : ''}`
    transcript.toolResult(id, output, failed)
    if (step.expectExit !== undefined && result.exitCode !== step.expectExit) {
      throw new StepFailed(`expected exit code ${step.expectExit}, got ${result.exitCode ?? result.signal}`)
    }
  } else if ('say' in step) {
    transcript.say(step.say)
  } else if ('wait' in step) {
    await sleep(step.wait, undefined, { signal })
  } else {
    transcript.say(step.finish)
  }
}
