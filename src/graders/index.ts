import { command } from './command.ts'
import { fileBackedContext } from './file-backed-context.ts'
import { jsonSchema } from './json-schema.ts'
import { contains, equals, matches } from './text.ts'

/** Built-in graders. Each returns a `Grader` for an eval's `graders` list. */
export const graders = { contains, matches, equals, jsonSchema, command, fileBackedContext }

export type { CommandGraderOptions } from './command.ts'
export type { FileBackedContextGraderOptions } from './file-backed-context.ts'
export { type DefineGraderOptions, defineGrader, type GraderVerdict } from './define.ts'
export type { StandardSchema } from './json-schema.ts'
export type { EqualsOptions, TextMatchOptions } from './text.ts'
export type { Grade, Grader, GraderContext } from './types.ts'
