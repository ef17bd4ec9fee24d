import * as z from 'zod'
import { errorMessage } from '../../core/errors.ts'
import { lazy } from '../../core/lazy.ts'
import { isSafeId } from './artifact-ids.ts'
import { parseArtifactQuery } from './artifact-text.ts'
import { ARTIFACT_KINDS } from './artifact-types.ts'

/** The payload generators a fixture may name. */
export const PAYLOAD_GENERATORS = ['log-lines', 'chat-history', 'source-file'] as const

/**
 * A generated payload: `lines` lines of filler from `generator`, with the hidden detail as
 * line `insertAt` (1-based; for `chat-history` a line is one turn of JSONL).
 */
export const payloadSpecSchema = lazy(() =>
  z.strictObject({
    generator: z.enum(PAYLOAD_GENERATORS),
    lines: z.int().min(1).max(1_000_000),
    insertAt: z.int().min(1),
    /** The text of the hidden line (for chat-history: the message). @default expectedAnswerContains */
    detail: z.string().min(1).optional(),
    /** The filler phrase of the other lines. @default depends on the generator */
    noise: z.string().optional(),
    /** How many filler characters pad each other line, to set its length. @default 48 */
    padding: z.int().min(0).max(10_000).optional(),
  }),
)

/** A generated payload's settings. */
export type PayloadSpec = z.infer<ReturnType<typeof payloadSpecSchema>>

/**
 * One file-backed-context fixture: the seed-001 fields, plus where the payload comes from —
 * a file (`payloadFile`, relative to the fixture JSON) or a generator (`payload`).
 */
export const contextFixtureSchema = lazy(() =>
  z
    .strictObject({
      id: z
        .string()
        .refine(isSafeId, 'must be a path-safe id (letters, digits, "_", "-", "."; no "/" or "..")'),
      title: z.string().min(1),
      prompt: z.string().min(1),
      tags: z.array(z.string()).default([]),
      expectedAnswerContains: z.string().min(1),
      /** What the grep looks for: literal text, or `/regex/flags`. */
      expectedArtifactQuery: z.string().min(1),
      expectedTool: z.enum(['read', 'grep', 'tail']).default('grep'),
      /** The artifact's kind. @default chat_history for a chat-history payload or a `compaction` tag, else command_stdout */
      kind: z.enum(ARTIFACT_KINDS).optional(),
      payloadFile: z.string().min(1).optional(),
      payload: payloadSpecSchema().optional(),
    })
    .superRefine((fixture, ctx) => {
      if ((fixture.payload === undefined) === (fixture.payloadFile === undefined)) {
        ctx.addIssue({
          code: 'custom',
          path: [fixture.payload === undefined ? 'payload' : 'payloadFile'],
          message:
            'give exactly one of `payloadFile` (a file beside the fixture) and `payload` (a generator)',
        })
      }
      try {
        parseArtifactQuery(fixture.expectedArtifactQuery)
      } catch (error) {
        ctx.addIssue({ code: 'custom', path: ['expectedArtifactQuery'], message: errorMessage(error) })
      }
      const spec = fixture.payload
      if (spec === undefined) return
      if (spec.insertAt > spec.lines) {
        ctx.addIssue({
          code: 'custom',
          path: ['payload', 'insertAt'],
          message: `must be within the ${spec.lines} generated lines, got ${spec.insertAt}`,
        })
      }
      if (spec.detail !== undefined && !spec.detail.includes(fixture.expectedAnswerContains)) {
        ctx.addIssue({
          code: 'custom',
          path: ['payload', 'detail'],
          message: `must contain expectedAnswerContains (${JSON.stringify(fixture.expectedAnswerContains)}), or the detail could never be recovered`,
        })
      }
    }),
)

/** A fixture as written in its JSON file (defaults applied). */
export type ContextFixture = z.infer<ReturnType<typeof contextFixtureSchema>>

/** The input form of a fixture (`tags` and `expectedTool` may be left out). */
export type ContextFixtureInput = z.input<ReturnType<typeof contextFixtureSchema>>

/** The tool a fixture expects the model to recover its detail with. */
export type ExpectedArtifactTool = ContextFixture['expectedTool']
