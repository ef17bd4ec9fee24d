import type { NotRunEntry, RunFile, TestEntry } from '../../store/schema.ts'

/** Test-only builders for hand-made run files. Defaults are fixed so output stays stable. */
export function makeTest(name: string, fields: Partial<TestEntry> = {}): TestEntry {
  return {
    name,
    suite: 'suite',
    tier: 'e2e',
    passed: true,
    duration_ms: 10_000,
    cost_usd: 0.1,
    ...fields,
  }
}

export function makeNotRun(name: string, fields: Partial<NotRunEntry> = {}): NotRunEntry {
  return { name, suite: 'suite', tier: 'e2e', status: 'skipped', ...fields }
}

/** A run file whose totals are computed from `tests` unless given in `fields`. */
export function makeRun(tests: TestEntry[], fields: Partial<RunFile> = {}): RunFile {
  const passed = tests.filter((t) => t.passed).length
  return {
    schema_version: 1,
    version: '0.1.0',
    branch: 'main',
    git_sha: 'abc1234def',
    timestamp: '2026-01-02T10:00:00.000Z',
    hostname: 'ci-host',
    tier: 'e2e',
    total_tests: tests.length,
    passed,
    failed: tests.length - passed,
    total_cost_usd: Math.round(tests.reduce((s, t) => s + t.cost_usd, 0) * 100) / 100,
    total_duration_ms: tests.reduce((s, t) => s + t.duration_ms, 0),
    tests,
    ...fields,
  }
}

/** A seed-format transcript: assistant events carrying `tool_use` items. */
export function transcriptWithTools(...tools: string[]): unknown[] {
  return [
    { type: 'system', subtype: 'init' },
    ...tools.map((name) => ({
      type: 'assistant',
      message: {
        content: [
          { type: 'text', text: 'working' },
          { type: 'tool_use', name, input: {} },
        ],
      },
    })),
    { type: 'result', subtype: 'success' },
  ]
}
