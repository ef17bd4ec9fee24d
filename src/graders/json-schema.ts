import { defineGrader } from './define.ts'
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
 * checked as they are; text is parsed (a ```json fence around it is allowed).
 *
 * @example graders.jsonSchema(z.object({ city: z.string() }))
 */
export function jsonSchema(schema: StandardSchema, name = 'jsonSchema'): Grader {
  if (typeof schema?.['~standard']?.validate !== 'function') {
    throw new Error('graders.jsonSchema() needs a Standard Schema (zod, valibot, arktype...)')
  }
  return defineGrader(name, async ({ output, value }) => {
    let data = value
    if (typeof value === 'string' || value === undefined) {
      try {
        data = JSON.parse(stripFence(output))
      } catch (error) {
        return { pass: false, score: 0, explanation: `output is not JSON (${(error as Error).message})` }
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

function stripFence(text: string): string {
  const fenced = /^\s*```(?:json)?\s*\n([\s\S]*?)\n```\s*$/.exec(text)
  return fenced ? fenced[1]! : text
}
