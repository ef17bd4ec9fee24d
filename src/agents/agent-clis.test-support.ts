import { existsSync, readFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'

/** The pinned agent CLIs: bin name → npm package and version (`scripts/agent-clis.json`). */
export const AGENT_CLIS: Readonly<Record<string, { package: string; version: string }>> = JSON.parse(
  readFileSync(new URL('../../scripts/agent-clis.json', import.meta.url), 'utf8'),
)

/** Where `scripts/install-agent-clis.sh` installs them on the host. */
export function agentClisDir(): string {
  return process.env.EVALBOX_AGENT_CLIS_DIR ?? join(homedir(), '.cache', 'evalbox', 'agent-clis')
}

/** The folder of the CLIs' bins (`node_modules/.bin`), to put first on a sandbox's PATH. */
export function agentClisBinDir(): string {
  return join(agentClisDir(), 'node_modules', '.bin')
}

/**
 * True when the pinned CLIs are installed. With `EVALBOX_REQUIRE_AGENT_CLIS=1` (CI) a missing
 * install is an error, never a silent skip.
 */
export function agentClisInstalled(): boolean {
  const installed = existsSync(join(agentClisDir(), '.installed'))
  if (!installed && process.env.EVALBOX_REQUIRE_AGENT_CLIS === '1')
    throw new Error(
      `EVALBOX_REQUIRE_AGENT_CLIS=1 but the agent CLIs are not installed in ${agentClisDir()}: run scripts/install-agent-clis.sh`,
    )
  return installed
}
