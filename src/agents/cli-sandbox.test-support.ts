import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { createLocalSandbox } from '../sandbox/local/local-sandbox.ts'
import type { Sandbox } from '../sandbox/types.ts'
import { agentClisBinDir } from './agent-clis.test-support.ts'

/** A local sandbox whose PATH finds the pinned agent CLIs first. */
export function cliSandbox(label: string): Promise<Sandbox> {
  return createLocalSandbox({
    label,
    env: { PATH: `${agentClisBinDir()}:${process.env.PATH ?? '/usr/bin:/bin'}` },
  })
}

/**
 * Every path (with its size and mtime) under the given folders of the real `$HOME`: a CLI
 * that wrote its config or state there instead of the run's fresh home changes it.
 */
export function realHomeSnapshot(folders: readonly string[]): string[] {
  const lines: string[] = []
  const walk = (path: string, depth: number): void => {
    let stat: ReturnType<typeof statSync>
    try {
      stat = statSync(path)
    } catch {
      return
    }
    lines.push(`${path} ${stat.size} ${stat.mtimeMs}`)
    if (stat.isDirectory() && depth < 4)
      for (const name of readdirSync(path)) walk(join(path, name), depth + 1)
  }
  for (const folder of folders) walk(join(homedir(), folder), 0)
  return lines
}

/**
 * With `EVALBOX_UPDATE_FIXTURES=1`, saves a real run's stdout as a fixture of
 * `src/agents/__fixtures__/<cli>/` (the dialect tests read those; they are committed).
 */
export function maybeSaveFixture(cli: string, name: string, stdout: string): void {
  if (process.env.EVALBOX_UPDATE_FIXTURES !== '1') return
  const dir = new URL(`./__fixtures__/${cli}/`, import.meta.url)
  mkdirSync(dir, { recursive: true })
  writeFileSync(new URL(name, dir), stdout)
}
