import { describeValue, EvalboxError } from '../../../core/errors.ts'
import type { ParsedTests, TestOutputParser, UnitTestFramework } from '../types.ts'
import { parseCargoTest } from './cargo-test.ts'
import { parseGoTest } from './go-test.ts'
import { parseJest } from './jest.ts'
import { parseNodeTest } from './node-test.ts'
import { parsePytest } from './pytest.ts'
import { parseSurefire } from './surefire.ts'
import { parseVitest } from './vitest.ts'

/** The parser of each framework. */
export const PARSERS: Readonly<Record<UnitTestFramework, TestOutputParser>> = {
  pytest: parsePytest,
  node: parseNodeTest,
  vitest: parseVitest,
  jest: parseJest,
  go: parseGoTest,
  cargo: parseCargoTest,
  maven: parseSurefire,
}

/**
 * Reads counts and per-test statuses from a test run's output (stdout then stderr) and
 * its report files (path → content: pytest's JUnit XML, jest/vitest JSON, surefire XML).
 * Pure. `counts` is undefined when nothing recognisable was found.
 *
 * @example parseTestOutput('pytest', '=== 1 failed, 2 passed in 0.1s ===').counts
 * // { passed: 2, failed: 1, skipped: 0, errors: 0 }
 */
export function parseTestOutput(
  framework: UnitTestFramework,
  output: string,
  files?: Readonly<Record<string, string>>,
): ParsedTests {
  const parser = PARSERS[framework]
  if (!parser) {
    throw new EvalboxError(
      'GRADER_CONFIG',
      `parseTestOutput: unknown framework ${describeValue(framework)}; use one of ${Object.keys(PARSERS).join(', ')}`,
    )
  }
  return parser(output, files)
}
