import { readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { Ajv2020 } from 'ajv/dist/2020.js'
import { describe, expect, test } from 'vitest'
import { runFileJsonSchema } from './json-schema.ts'
import { runFileSchema } from './schema.ts'

const published = fileURLToPath(new URL('../../docs/result-format.schema.json', import.meta.url))

describe('result format schema', () => {
  test('docs/result-format.schema.json is the schema the code writes (EVALBOX_UPDATE_SCHEMA=1 rewrites it)', () => {
    const text = `${JSON.stringify(runFileJsonSchema(), null, 2)}\n`
    if (process.env.EVALBOX_UPDATE_SCHEMA === '1') writeFileSync(published, text)
    expect(readFileSync(published, 'utf8')).toBe(text)
  })

  test('a seed-002 style file (no evalbox fields) validates, in zod and in JSON Schema', () => {
    const seed = {
      schema_version: 1,
      version: '0.3.1',
      branch: 'main',
      git_sha: 'abc1234',
      timestamp: '2026-01-02T03:04:05.000Z',
      hostname: 'ci',
      tier: 'e2e',
      total_tests: 1,
      passed: 0,
      failed: 1,
      total_cost_usd: 0.42,
      total_duration_ms: 61000,
      wall_clock_ms: 65000,
      tests: [
        {
          name: 'review finds the SQL injection',
          suite: 'review',
          tier: 'e2e',
          passed: false,
          duration_ms: 61000,
          cost_usd: 0.42,
          turns_used: 12,
          exit_reason: 'timeout',
          timeout_at_turn: 12,
          last_tool_call: 'Write(review.md)',
          detection_rate: 2,
          missed_bugs: ['sql-injection'],
          harvest: { filesChanged: 1, patchPath: 'runs/x/patch.diff', isDuplicate: false },
        },
      ],
      _partial: true,
    }
    expect(runFileSchema().safeParse(seed).success).toBe(true)
    const validate = new Ajv2020({ strict: false }).compile(runFileJsonSchema())
    expect(validate(seed), JSON.stringify(validate.errors)).toBe(true)
  })

  test('a file missing a seed field fails with the field named', () => {
    const result = runFileSchema().safeParse({ schema_version: 1, tests: [] })
    expect(result.success).toBe(false)
    expect(result.error?.issues.map((issue) => issue.path.join('.'))).toContain('version')
  })
})
