import { dirname } from 'node:path'
import { fileURLToPath } from 'node:url'

// evalbox's own frames: everything beside this module (its folder in the source tree, the
// build's `dist/` folder when installed).
const ownDir = dirname(fileURLToPath(import.meta.url))

/**
 * The line of the eval file that called `evalTest`/`describeEval`, for annotations. Read from
 * one stack trace per call — asking Vitest to locate every test (`includeTaskLocation`) costs
 * a stack trace per data row, which a 10,000-row dataset notices.
 */
export function definitionLine(): number | undefined {
  const stack = new Error().stack ?? ''
  for (const frame of stack.split('\n').slice(1)) {
    const match = /(?:\(|at )(?:file:\/\/)?(\/[^()]+?):(\d+):\d+\)?$/.exec(frame.trim())
    if (!match || match[1]!.startsWith(ownDir)) continue
    return Number(match[2])
  }
  return undefined
}
