import { command } from './command.ts'
import { fileBackedContext } from './file-backed-context/grader.ts'
import { jsonSchema } from './json-schema.ts'
import { llmJudge } from './llm-judge.ts'
import { not } from './not.ts'
import { plantedBugs } from './planted-bugs/planted-bugs.ts'
import { contains, equals, matches } from './text.ts'
import { toolCalls } from './tool-calls.ts'
import { unitTests } from './unit-tests/index.ts'

/** Built-in graders. Each returns a `Grader` for an eval's `graders` list. */
export const graders = {
  contains,
  matches,
  equals,
  jsonSchema,
  command,
  unitTests,
  plantedBugs,
  llmJudge,
  toolCalls,
  fileBackedContext,
  not,
}

export type { CommandGraderOptions, CommandPlace } from './command.ts'
export { type DefineGraderOptions, defineGrader, type GraderVerdict } from './define.ts'
export type { FileBackedContextGraderOptions } from './file-backed-context/grader.ts'
export type { StandardSchema } from './json-schema.ts'
export type { JudgeModel, JudgeVote, JudgeVoting } from './judge-model.ts'
export type { LlmJudgeOptions } from './llm-judge.ts'
export {
  type GroundTruth,
  type GroundTruthInput,
  judgePassed,
  loadGroundTruth,
  type PlantedBug,
  type PlantedBugsOptions,
  parseGroundTruth,
  type ReportSource,
} from './planted-bugs/index.ts'
export type { EqualsOptions, TextMatchOptions } from './text.ts'
export type { ExpectedToolCall, ToolCallsOptions } from './tool-calls.ts'
export type { Grade, Grader, GraderContext } from './types.ts'
export {
  detectFramework,
  parseTestOutput,
  type UnitTestFramework,
  type UnitTestsOptions,
} from './unit-tests/index.ts'
