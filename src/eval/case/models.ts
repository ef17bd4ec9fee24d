import { existsSync } from 'node:fs'
import { basename, dirname, join, relative, resolve } from 'node:path'
import type { ModelAccess, ModelCallsSummary } from '../../agents/types.ts'
import { EvalboxError } from '../../core/errors.ts'
import type { CaseUsage, GatewayClient } from '../../gateway/index.ts'
import type { RunSettings, Sandbox } from '../../sandbox/types.ts'
import type { EvalOptions } from '../options.ts'
import { type CaseFiles, caseSlug } from './files.ts'

/** What a case needs to open its gateway session: the run's gateway, and its own limits. */
export interface ModelSessionPlan {
  readonly url: string
  readonly adminToken: string
  readonly hasKeys: boolean
  readonly caseKey: string
  /** The project root, for paths in messages. */
  readonly root?: string
  readonly budget: EvalOptions['budget']
  /** The case's cassette file, unless the eval turned cassettes off. */
  readonly cassette: string | undefined
}

/** An open session: what the agent is given, and how the case ends it. */
export interface ModelSession {
  readonly access: ModelAccess
  /** Ends the session (later calls are refused) and returns what the gateway counted. */
  close(): Promise<ModelCallsSummary>
}

/** Where a case's cassette lives: `<eval folder>/<cassette folder>/<case slug>.ndjson`. */
export function cassettePath(evalFile: string, caseKey: string, option: string | undefined): string {
  const folder = option ?? join('__cassettes__', basename(evalFile).replace(/(\.eval)?\.[cm]?[jt]sx?$/, ''))
  return resolve(dirname(evalFile), folder, `${caseSlug(caseKey)}.ndjson`)
}

/** The session plan of a case, when the run has a gateway. */
export function modelSessionPlan(
  settings: RunSettings,
  caseKey: string,
  options: Pick<EvalOptions, 'budget' | 'cassette'>,
  evalFile: string | undefined,
): ModelSessionPlan | undefined {
  if (!settings.gatewayUrl || !settings.gatewayToken) return undefined
  return {
    url: settings.gatewayUrl,
    adminToken: settings.gatewayToken,
    hasKeys: settings.gatewayHasKeys ?? false,
    caseKey,
    root: settings.root,
    budget: options.budget,
    cassette:
      options.cassette === false || evalFile === undefined
        ? undefined
        : cassettePath(evalFile, caseKey, options.cassette),
  }
}

const clients = new Map<string, GatewayClient>()

async function clientOf(url: string, adminToken: string): Promise<GatewayClient> {
  let client = clients.get(url)
  if (!client) {
    const { gatewayClient } = await import('../../gateway/index.ts')
    client = gatewayClient({ url, adminToken })
    clients.set(url, client)
  }
  return client
}

/**
 * Why a new case must not start: the run's budget (`evalsProject({ budget })`) is spent.
 * Asks the gateway only when the run has a budget; undefined while money is left.
 */
export async function runBudgetSpent(settings: RunSettings): Promise<string | undefined> {
  if (!settings.runBudgetUsd || !settings.gatewayUrl || !settings.gatewayToken) return undefined
  const usage = await (await clientOf(settings.gatewayUrl, settings.gatewayToken)).runUsage()
  if (!usage.spent) return undefined
  return `run budget maxCostUsd ($${settings.runBudgetUsd}) spent ($${usage.costUsd.toFixed(4)} used): the case was not started`
}

/**
 * Opens the case's session of the run's gateway (record/replay as `EVALBOX_MODEL` and the
 * facts decide) and makes the address its agent uses: inside a Docker sandbox a forwarder
 * on the container's loopback to the gateway's mounted socket; for a local sandbox the
 * gateway's own port. Throws `RunBudgetSpentError` once the run's budget is spent.
 */
export async function openModelSession(
  plan: ModelSessionPlan,
  sandbox: Sandbox,
  files: CaseFiles,
  signal: AbortSignal,
): Promise<ModelSession> {
  const { GATEWAY_DUMMY_KEY, resolveModelMode } = await import('../../gateway/index.ts')
  const client = await clientOf(plan.url, plan.adminToken)
  const mode = plan.cassette
    ? resolveModelMode(process.env, { hasKey: plan.hasKeys, cassetteExists: existsSync(plan.cassette) })
    : 'live'
  if (mode === 'replay' && plan.cassette && !existsSync(plan.cassette)) {
    throw new EvalboxError(
      'INVALID_OPTIONS',
      `EVALBOX_MODEL=replay, but the case has no cassette at ${plan.cassette}: record it first (EVALBOX_MODEL=record, with the provider's key set).`,
    )
  }
  const dir = files.directory()
  const opened = await client.openCase({
    caseKey: plan.caseKey,
    ...(dir && { callsFile: join(dir, 'model-calls.ndjson') }),
    ...(plan.budget && { budget: plan.budget }),
    ...(mode !== 'live' && plan.cassette && { cassette: { path: plan.cassette, mode } }),
  })
  let base: string
  try {
    base =
      sandbox.provider === 'docker'
        ? await (await import('../../sandbox/docker/gateway-forwarder.ts')).startGatewayForwarder(
            sandbox,
            signal,
          )
        : plan.url
  } catch (error) {
    await client.closeCase(opened.token).catch(() => {})
    throw error
  }
  const closer = client
  return {
    access: { baseUrl: `${base}${opened.prefix}`, apiKey: GATEWAY_DUMMY_KEY },
    close: async () => summarize(mode, await closer.closeCase(opened.token), plan),
  }
}

function summarize(
  mode: ModelCallsSummary['mode'],
  usage: CaseUsage,
  plan: ModelSessionPlan,
): ModelCallsSummary {
  // The cassette named as the project names it, not by this machine's absolute path.
  const mismatch =
    plan.cassette && plan.root
      ? usage.replay?.mismatch?.replaceAll(plan.cassette, relative(plan.root, plan.cassette))
      : usage.replay?.mismatch
  return {
    mode,
    calls: usage.calls,
    refused: usage.refused,
    errors: usage.errors,
    tokens: usage.tokens,
    costUsd: usage.costUsd,
    byModel: usage.byModel,
    ...(usage.budgetExceeded && { budgetExceeded: usage.budgetExceeded.detail }),
    ...(mismatch && { replayMismatch: mismatch }),
  }
}
