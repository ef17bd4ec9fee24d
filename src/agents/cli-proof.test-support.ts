/**
 * The host-run proof of a CLI adapter: the real CLI, in a real local sandbox, against the
 * scripted upstream as its only model. Shared by the `*.cli.test.ts` files.
 */
import { existsSync, readdirSync, statSync } from 'node:fs'
import { mkdir, writeFile } from 'node:fs/promises'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { createLocalSandbox } from '../sandbox/local/local-sandbox.ts'
import type { Sandbox } from '../sandbox/types.ts'
import { type ScriptedUpstream, startScriptedUpstream } from '../testing/scripted-upstream/server.ts'
import { agentClisBinDir } from './agent-clis.test-support.ts'
import { type RecordingContext, recordingContext } from './test-support.ts'
import type { AgentObject, AgentResult } from './types.ts'

/** The stand-in key the agent is given; the upstream accepts only it. */
export const STAND_IN_KEY = 'evalbox-dummy'

/** The script every proof plays: write a file, read it back with the shell, answer. */
export const PROOF_SCRIPT = {
  'case-notes': {
    steps: [
      { write: 'notes.txt', content: 'hello from the script\n' },
      { shell: 'cat notes.txt && echo shell-ran-$((6*7))' },
      { answer: 'Done: notes.txt holds the greeting.' },
    ],
    sideAnswer: 'Notes',
  },
}
export const PROOF_PROMPT = 'Task case-notes: write the notes file, then show it.'

/** One proof run and what it left. */
export interface ProofRun {
  readonly result: AgentResult
  readonly upstream: ScriptedUpstream
  readonly sandbox: Sandbox
  readonly ctx: RecordingContext
  readonly ms: number
}

/** Runs `agent` once against a fresh scripted upstream (failing every model call when `failing`). */
export async function runProof(agent: AgentObject, options: { failing?: boolean } = {}): Promise<ProofRun> {
  const upstream = await startScriptedUpstream({ scripts: PROOF_SCRIPT, apiKey: STAND_IN_KEY })
  if (options.failing) upstream.fail(1000, 500)
  const sandbox = await createLocalSandbox({
    label: `proof-${agent.agentName}`,
    env: { PATH: `${agentClisBinDir()}:${process.env.PATH ?? '/usr/bin:/bin'}` },
  })
  const ctx = {
    ...recordingContext(sandbox, { prompt: PROOF_PROMPT, timeoutMs: 120_000 }),
    models: { baseUrl: upstream.url, apiKey: STAND_IN_KEY },
  }
  const started = performance.now()
  const result = await agent.run(ctx)
  return { result, upstream, sandbox, ctx, ms: Math.round(performance.now() - started) }
}

/** The model calls the upstream answered (side requests included), in order. */
export function modelCalls(upstream: ScriptedUpstream) {
  return upstream.calls.filter((call) => call.reply !== undefined)
}

/**
 * The sum of the tokens the upstream reported; `steps` counts only requests that offered
 * tools (a CLI that does not report its side requests' usage, like opencode's title).
 */
export function reportedTokens(
  upstream: ScriptedUpstream,
  options: { steps?: boolean } = {},
): { input: number; output: number } {
  let input = 0
  let output = 0
  for (const call of upstream.calls) {
    if (options.steps && !hasTools(call.body)) continue
    input += call.tokens?.input ?? 0
    output += call.tokens?.output ?? 0
  }
  return { input, output }
}

function hasTools(body: unknown): boolean {
  const tools = (body as { tools?: unknown } | undefined)?.tools
  return Array.isArray(tools) && tools.length > 0
}

/** The newest modification time under `path` (itself included), or 0 when it is absent. */
function newestUnder(path: string, depth = 4): number {
  if (!existsSync(path)) return 0
  const stat = statSync(path)
  let newest = stat.mtimeMs
  if (stat.isDirectory() && depth > 0)
    for (const name of readdirSync(path)) newest = Math.max(newest, newestUnder(join(path, name), depth - 1))
  return newest
}

/**
 * Paths under the real home folder (relative) or absolute ones, changed since `since`
 * (`Date.now()` ms): the CLI's own state folders must stay untouched.
 */
export function touchedSince(since: number, paths: readonly string[]): string[] {
  return paths.filter((path) => newestUnder(path.startsWith('/') ? path : join(homedir(), path)) >= since)
}

/**
 * With `EVALBOX_CAPTURE_FIXTURES=1`, writes a run's kept transcript (redacted, as kept) to
 * `src/agents/__fixtures__/<cli>/<name>.ndjson`, the real output the unit tests read.
 */
export async function captureFixture(cli: string, name: string, ctx: RecordingContext): Promise<void> {
  if (process.env.EVALBOX_CAPTURE_FIXTURES !== '1') return
  const transcript = ctx.kept.get('transcript.ndjson')
  if (transcript === undefined) return
  const dir = new URL(`./__fixtures__/${cli}/`, import.meta.url)
  await mkdir(dir, { recursive: true })
  await writeFile(new URL(`${name}.ndjson`, dir), transcript)
}
