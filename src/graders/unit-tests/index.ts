export { detectFramework } from './detect.ts'
export { FRAMEWORK_DEFAULTS, type FrameworkDefaults } from './frameworks.ts'
export type { UnitTestsOptions } from './options.ts'
export { parseTestOutput } from './parsers/index.ts'
export type { ListOutcome, Resolution, ResolutionReport } from './resolution.ts'
export type {
  ParsedTest,
  ParsedTests,
  TestCounts,
  TestOutputParser,
  TestStatus,
  UnitTestFramework,
} from './types.ts'
export { unitTests } from './unit-tests.ts'
