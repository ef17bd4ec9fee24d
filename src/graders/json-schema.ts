import * as z from 'zod'
import { describeValue, EvalboxError } from '../core/errors.ts'
import { defineGrader, graderOptions, snippet } from './define.ts'
import { extractJson } from './json-text.ts'
import type { Grader } from './types.ts'

/**
 * The Standard Schema interface (https://standardschema.dev), implemented by zod (3.24+ and
 * 4), valibot, arktype and others; evalbox accepts any of them.
 */
export interface StandardSchema {
  readonly '~standard': {
    readonly version: 1
    readonly vendor: string
    readonly validate: (value: unknown) => StandardResult | Promise<StandardResult>
  }
}
type StandardResult =
  | { readonly value: unknown; readonly issues?: undefined }
  | {
      readonly issues: ReadonlyArray<{
        readonly message: string
        readonly path?: ReadonlyArray<PropertyKey | { key: PropertyKey }>
      }>
    }

/**
 * Passes when the output is JSON that the schema accepts. Objects returned by a task are
 * checked as they are; text is read as a model writes it (`extractJson`): the whole text as
 * JSON, else a ```json (or bare ```) fence anywhere in it, else the first balanced `{...}` or
 * `[...]` block, so "Here you go:" around the JSON is fine.
 *
 * @example graders.jsonSchema(z.object({ city: z.string() }))
 */
export function jsonSchema(schema: StandardSchema, name = 'jsonSchema'): Grader {
  if (typeof schema?.['~standard']?.validate !== 'function') {
    throw new EvalboxError(
      'GRADER_CONFIG',
      `graders.jsonSchema() needs a Standard Schema (zod 3.24+/4, valibot, arktype...), got ${describeValue(schema)}. Pass one, e.g. graders.jsonSchema(z.object({ city: z.string() }))`,
    )
  }
  graderOptions('graders.jsonSchema()', z.string().min(1), name, 'name')
  return defineGrader(name, async ({ output, value }) => {
    let data = value
    if (typeof value === 'string' || value === undefined) {
      data = extractJson(output)
      if (data === undefined) {
        return {
          pass: false,
          score: 0,
          explanation: `output is not JSON and holds no \`\`\`json fence or {...}/[...] block that parses; output: ${snippet(output)}`,
        }
      }
    }
    const result = await schema['~standard'].validate(data)
    if (!result.issues) return { pass: true, explanation: 'output matches the schema' }
    const issues = result.issues.slice(0, 5).map((issue) => {
      const path = (issue.path ?? []).map((p) => String(typeof p === 'object' ? p.key : p)).join('.')
      return `${path || '(root)'}: ${issue.message}`
    })
    return { pass: false, score: 0, explanation: `schema mismatch: ${issues.join('; ')}` }
  })
}
