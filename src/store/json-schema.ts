import * as z from 'zod'
import { runFileSchema, SCHEMA_VERSION } from './schema.ts'

/** The JSON Schema of a run file, as published in `docs/result-format.schema.json`. */
export function runFileJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(runFileSchema(), { target: 'draft-2020-12', io: 'output' }),
    $id: 'https://github.com/evalbox/evalbox/docs/result-format.schema.json',
    title: `evalbox run file (schema_version ${SCHEMA_VERSION})`,
  }
}
