import type { ParsedTest, TestCounts, TestOutputParser, TestStatus } from '../types.ts'
import { nothing, plainLines } from './text.ts'

const RUNNING = /^running \d+ tests?$/
const STATUS_LINE = /^test (.+) \.\.\. (ok|FAILED|ignored|bench)\b/
const RESULT_LINE =
  /^test result: \w+\. (\d+) passed; (\d+) failed; (\d+) ignored; (\d+) measured; (\d+) filtered out/
const STATUS: Record<string, TestStatus> = {
  ok: 'passed',
  FAILED: 'failed',
  ignored: 'skipped',
  bench: 'passed',
}

/**
 * `cargo test`: one block per test binary (unit tests, each integration test, doc-tests),
 * each opened by `running N tests`. Counts are the sum of the blocks' `test result:` lines
 * (passed, failed, ignored as skipped). Statuses come from the `test name ... ok` lines
 * before a block's `failures:` section, where captured output of failing tests is shown,
 * so lines a test prints are not read as results.
 *
 * Test ids are cargo's names: `tests::adds`, `integration_adds`, `src/lib.rs - add (line 3)`.
 */
export const parseCargoTest: TestOutputParser = (output) => {
  const tests: ParsedTest[] = []
  let counts: TestCounts | undefined
  // Per block: statuses are read until the block's details start, and the block's result
  // is its last `test result:` line (printed output shows up before it).
  let readingStatuses = false
  let blockResult: RegExpExecArray | undefined
  const closeBlock = () => {
    if (!blockResult) return
    counts ??= { passed: 0, failed: 0, skipped: 0, errors: 0 }
    counts.passed += Number(blockResult[1])
    counts.failed += Number(blockResult[2])
    counts.skipped += Number(blockResult[3])
    blockResult = undefined
  }
  for (const line of plainLines(output)) {
    if (RUNNING.test(line)) {
      closeBlock()
      readingStatuses = true
      continue
    }
    if (/^(failures|successes):$/.test(line)) readingStatuses = false
    const result = RESULT_LINE.exec(line)
    if (result) {
      readingStatuses = false
      blockResult = result
      continue
    }
    const status = readingStatuses ? STATUS_LINE.exec(line) : null
    if (status) tests.push({ name: status[1]!, status: STATUS[status[2]!]! })
  }
  closeBlock()
  return counts || tests.length > 0 ? { counts, tests } : nothing()
}
