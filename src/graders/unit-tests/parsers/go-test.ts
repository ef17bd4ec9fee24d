import type { ParsedTest, TestOutputParser, TestStatus } from '../types.ts'
import { nothing, plainLines, tally, worse } from './text.ts'

interface GoEvent {
  Action?: string
  Package?: string
  Test?: string
}

const RESULT: Record<string, TestStatus> = { pass: 'passed', fail: 'failed', skip: 'skipped' }
// Printed by `go test` (not by test2json) for packages that never ran.
const PACKAGE_FAILED = /^FAIL\s+(\S+)\s+\[(build failed|setup failed)\]$/

/**
 * `go test -json`. Each test's last `pass`/`fail`/`skip` event gives its status, keeping the
 * worst one seen (test2json before Go 1.20 turns a printed `--- PASS: TestX` line into a
 * second event). Subtests count as tests, as in go's own `--- PASS` lines. A test that
 * started but never ended (panic, timeout) is an `error`; so is a package that failed to
 * build or failed without a failing test (named by its import path).
 *
 * Test ids are go's names, `TestTable/1+1`; lines that are not JSON are ignored.
 */
export const parseGoTest: TestOutputParser = (output) => {
  const statuses = new Map<string, { name: string; status: TestStatus | undefined }>()
  const failedPackages = new Set<string>()
  let events = 0
  for (const line of plainLines(output)) {
    const packageFailure = PACKAGE_FAILED.exec(line.trim())
    if (packageFailure) failedPackages.add(packageFailure[1]!)
    if (!line.startsWith('{')) continue
    let event: GoEvent
    try {
      event = JSON.parse(line) as GoEvent
    } catch {
      continue
    }
    if (typeof event !== 'object' || event === null || typeof event.Action !== 'string') continue
    events++
    const pkg = event.Package ?? ''
    if (!event.Test) {
      if (event.Action === 'fail') failedPackages.add(pkg)
      continue
    }
    const status = RESULT[event.Action]
    if (!status && event.Action !== 'run') continue
    const key = `${pkg}\u0000${event.Test}`
    const entry = statuses.get(key) ?? { name: event.Test, status: undefined }
    statuses.set(key, entry)
    if (status) entry.status = entry.status ? worse(entry.status, status) : status
  }
  if (events === 0 && failedPackages.size === 0) return nothing()
  const tests: ParsedTest[] = []
  const packagesWithFailures = new Set<string>()
  for (const [key, { name, status }] of statuses) {
    const final = status ?? 'error'
    if (final === 'failed' || final === 'error') packagesWithFailures.add(key.split('\u0000')[0]!)
    tests.push({ name, status: final })
  }
  for (const pkg of failedPackages) {
    if (!packagesWithFailures.has(pkg)) tests.push({ name: pkg, status: 'error' })
  }
  return { counts: tally(tests), tests }
}
