import * as z from 'zod'
import { lazy } from '../core/lazy.ts'

/**
 * The persisted result format. A superset of the seed-002 format: every field that format
 * names is here with the same name and meaning; everything else is additive. Objects are
 * loose so that files written by a newer evalbox with the same `schema_version` still load.
 *
 * `docs/result-format.schema.json` is generated from these schemas (`npm run schema`) and a
 * test keeps the two equal.
 */
export const SCHEMA_VERSION = 1

export const gradeSchema = lazy(() =>
  z.looseObject({
    name: z.string(),
    /** 0..1, or null when the grader could not grade (it threw, or lacked input). */
    score: z.number().nullable(),
    pass: z.boolean(),
    explanation: z.string(),
    metadata: z.record(z.string(), z.unknown()).optional(),
  }),
)
export type Grade = z.infer<ReturnType<typeof gradeSchema>>

export const harvestSchema = lazy(() =>
  z.looseObject({
    filesChanged: z.number().int().nonnegative(),
    patchPath: z.string(),
    isDuplicate: z.boolean(),
    files: z.array(z.string()).optional(),
    duplicateOf: z.string().optional(),
  }),
)

export const tokensSchema = lazy(() =>
  z.looseObject({
    input: z.number().nonnegative(),
    output: z.number().nonnegative(),
    cache_read: z.number().nonnegative().optional(),
    cache_write: z.number().nonnegative().optional(),
  }),
)

export const modelCallsSchema = lazy(() =>
  z.looseObject({
    /** live | record | replay */
    mode: z.string(),
    calls: z.number().int().nonnegative(),
    refused: z.number().int().nonnegative(),
    errors: z.number().int().nonnegative(),
    cost_usd: z.number().nonnegative(),
    tokens: tokensSchema(),
    by_model: z.record(
      z.string(),
      z.looseObject({
        calls: z.number().int().nonnegative(),
        cost_usd: z.number().nonnegative(),
        tokens: tokensSchema(),
      }),
    ),
    /** What the agent's own transcript said, for comparison. */
    agent_reported_tokens: tokensSchema().optional(),
    agent_reported_cost_usd: z.number().nonnegative().optional(),
    budget_exceeded: z.string().optional(),
    replay_mismatch: z.string().optional(),
  }),
)

/** Where a test stands. `passed`/`failed` ran to an outcome; the others did not run. */
export const testStatusSchema = lazy(() => z.enum(['passed', 'failed', 'skipped', 'todo', 'not_run']))
export type TestStatus = z.infer<ReturnType<typeof testStatusSchema>>

export const testEntrySchema = lazy(() =>
  z.looseObject({
    // --- seed-002 fields (same names, same meanings) ---
    name: z.string(),
    suite: z.string(),
    tier: z.string(),
    passed: z.boolean(),
    duration_ms: z.number().nonnegative(),
    cost_usd: z.number().nonnegative(),
    transcript: z.array(z.unknown()).optional(),
    prompt: z.string().optional(),
    output: z.string().optional(),
    turns_used: z.number().int().nonnegative().optional(),
    browse_errors: z.array(z.string()).optional(),
    judge_scores: z.record(z.string(), z.number()).optional(),
    judge_reasoning: z.string().optional(),
    /** 'success' | 'timeout' | 'error_max_turns' | 'exit_code_N' | 'oom' | 'sandbox_error' | ... */
    exit_reason: z.string().optional(),
    timeout_at_turn: z.number().int().optional(),
    last_tool_call: z.string().optional(),
    model: z.string().optional(),
    first_response_ms: z.number().nonnegative().optional(),
    max_inter_turn_ms: z.number().nonnegative().optional(),
    /** Number of planted bugs detected (a count, as in seed 002), not a fraction. */
    detection_rate: z.number().nonnegative().optional(),
    false_positives: z.number().int().nonnegative().optional(),
    evidence_quality: z.number().nonnegative().optional(),
    detected_bugs: z.array(z.string()).optional(),
    missed_bugs: z.array(z.string()).optional(),
    error: z.string().optional(),
    harvest: harvestSchema().optional(),
    // --- evalbox additions ---
    /** passed | failed (ran); skipped | todo | not_run (did not run: see `tests` vs `not_run`). */
    status: testStatusSchema().optional(),
    /**
     * Why a failing case failed, in one line: the root cause first (an infrastructure error, a
     * timeout, a budget stop, the agent's exit code, else the graders' verdict), then the
     * evidence (the failing test names, the first error line). Absent when the case passed.
     */
    headline: z.string().optional(),
    /** Vitest's test id, stable for a file and test name. */
    id: z.string().optional(),
    /** Eval file, relative to the project root. */
    file: z.string().optional(),
    line: z.number().int().optional(),
    /** The case name without the repeat suffix; repeats of one case share it. */
    case_name: z.string().optional(),
    repeat: z.number().int().positive().optional(),
    repeats: z.number().int().positive().optional(),
    /** ISO time the case (its last attempt) started. */
    started_at: z.string().optional(),
    /** Attempts Vitest made (1 + retries used). */
    attempts: z.number().int().positive().optional(),
    /** Passed only after a retry. */
    flaky: z.boolean().optional(),
    score: z.number().nullable().optional(),
    threshold: z.number().optional(),
    grades: z.array(gradeSchema()).optional(),
    metrics: z.record(z.string(), z.union([z.number(), z.string(), z.boolean(), z.null()])).optional(),
    tool_summary: z.record(z.string(), z.number().int().nonnegative()).optional(),
    /**
     * Agent output cut at the case's `maxOutputBytes`: bytes dropped by what was cut (`log`:
     * agent.log, `transcript`: transcript.ndjson, `events`: transcript lines whose events were
     * not kept in memory; the metrics still count them). Absent when nothing was cut.
     */
    output_truncated: z.record(z.string(), z.number().int().nonnegative()).optional(),
    tokens: tokensSchema().optional(),
    /** What the agent's model calls cost (the gateway's count when it ran, else the transcript's); `cost_usd` = this + `judge_cost_usd`. */
    agent_cost_usd: z.number().nonnegative().optional(),
    /** What LLM-judge graders spent. */
    judge_cost_usd: z.number().nonnegative().optional(),
    /** The agent's model calls as the run's gateway counted them on the wire. */
    model_calls: modelCallsSchema().optional(),
    sandbox: z
      .looseObject({
        provider: z.string(),
        id: z.string().optional(),
        image: z.string().optional(),
      })
      .optional(),
    /** The case's run directory, relative to the results directory. */
    run_dir: z.string().optional(),
    /**
     * Why files of the case's run directory (logs, kept files, outputs) could not be written,
     * e.g. a full disk. The case was graded all the same; only those files are missing.
     */
    run_dir_error: z.string().optional(),
    /** Files kept for the case, relative to the results directory, by role. */
    artifacts: z.record(z.string(), z.string()).optional(),
    /**
     * Files not kept because they hold a secret evalbox cannot redact (binary data) or cannot be
     * scanned (compressed, too large): where each would have been, relative to the results
     * directory (a `<path>.withheld.txt` note is there instead), and why.
     */
    withheld: z.array(z.looseObject({ path: z.string(), reason: z.string() })).optional(),
    metadata: z.record(z.string(), z.unknown()).optional(),
  }),
)
export type TestEntry = z.infer<ReturnType<typeof testEntrySchema>>

export const notRunEntrySchema = lazy(() =>
  z.looseObject({
    /** Vitest's test id (a test with a result is never also listed as not run). */
    id: z.string().optional(),
    name: z.string(),
    suite: z.string(),
    tier: z.string(),
    file: z.string().optional(),
    /**
     * skipped: `.skip`/`skipIf`/`ctx.skip()`; todo: `.todo`; not_run: the run ended first (it
     * was queued, or still running when the run was interrupted).
     */
    status: z.enum(['skipped', 'todo', 'not_run']),
    reason: z.string().optional(),
  }),
)
export type NotRunEntry = z.infer<ReturnType<typeof notRunEntrySchema>>

/**
 * How a run was narrowed to part of the suite. Absent for a run of every case; a file written
 * before evalbox recorded it is taken as unfiltered. Shards and unfinished runs are told by
 * `shard` and `_partial`, not here.
 */
export const runFilterSchema = lazy(() =>
  z.looseObject({
    /** Vitest's test name pattern (`-t`), the regular expression's source. */
    test_name_pattern: z.string().optional(),
    /** File filters given on the command line (`vitest run capitals`, `a.eval.ts:12`). */
    files: z.array(z.string()).optional(),
    /** Test files chosen by `--changed`/`--related`, relative to the project root. */
    related: z.array(z.string()).optional(),
    /** The `--project` filter, when it left out one of the evals projects. */
    projects: z.array(z.string()).optional(),
  }),
)
export type RunFilter = z.infer<ReturnType<typeof runFilterSchema>>

/** A pass rate and its Wilson score interval (`stats.confidence`, 95% by default). */
export const rateStatsSchema = lazy(() =>
  z.looseObject({
    passed: z.number().int().nonnegative(),
    total: z.number().int().positive(),
    rate: z.number().min(0).max(1),
    low: z.number().min(0).max(1),
    high: z.number().min(0).max(1),
  }),
)

/** A mean score and its percentile bootstrap interval (`stats.bootstrap` says how it was drawn). */
export const scoreStatsSchema = lazy(() =>
  z.looseObject({
    /** Scored tests averaged (unscored ones are left out). */
    n: z.number().int().positive(),
    mean: z.number(),
    low: z.number(),
    high: z.number(),
  }),
)

/**
 * pass@k (at least one of k attempts passes, the unbiased estimator from n runs) and pass^k
 * (all k pass), keyed by k = 1..min(n, 10).
 */
const byKSchema = lazy(() => z.record(z.string(), z.number().min(0).max(1)))

/** One case that ran more than once (`repeats`), over its repeats. */
export const caseStatsSchema = lazy(() =>
  z.looseObject({
    case_name: z.string(),
    suite: z.string(),
    file: z.string().optional(),
    pass_rate: rateStatsSchema(),
    pass_at_k: byKSchema(),
    pass_hat_k: byKSchema(),
    score: scoreStatsSchema().optional(),
  }),
)
export type CaseStats = z.infer<ReturnType<typeof caseStatsSchema>>

/** Statistics of a run file's tests, derived with its totals (see docs/result-format.md). */
export const runStatsSchema = lazy(() =>
  z.looseObject({
    /** Level of every interval, e.g. 0.95. */
    confidence: z.number().gt(0).lt(1),
    /** How the bootstrap intervals were drawn: the same seed gives the same interval. */
    bootstrap: z.looseObject({ resamples: z.number().int().positive(), seed: z.number().int() }),
    /** Over every test of the file, each repeat counted as one test. */
    pass_rate: rateStatsSchema(),
    /** Over every scored test of the file. */
    score: scoreStatsSchema().optional(),
    /** The mean over `cases` of their pass@k / pass^k, for the k every repeated case has. */
    pass_at_k: byKSchema().optional(),
    pass_hat_k: byKSchema().optional(),
    /** The cases that ran more than once. */
    cases: z.array(caseStatsSchema()).optional(),
  }),
)
export type RunStats = z.infer<ReturnType<typeof runStatsSchema>>

export const runFileSchema = lazy(() =>
  z.looseObject({
    // --- seed-002 fields ---
    schema_version: z.number().int().positive(),
    version: z.string(),
    branch: z.string(),
    git_sha: z.string(),
    /** ISO time the run started (also the timestamp in the file name). */
    timestamp: z.string(),
    hostname: z.string(),
    tier: z.string(),
    /** Tests that ran to an outcome (the length of `tests`). */
    total_tests: z.number().int().nonnegative(),
    passed: z.number().int().nonnegative(),
    failed: z.number().int().nonnegative(),
    total_cost_usd: z.number().nonnegative(),
    /** Sum of the tests' durations. */
    total_duration_ms: z.number().nonnegative(),
    /** Run start to finalization; less than `total_duration_ms` when cases ran in parallel. */
    wall_clock_ms: z.number().nonnegative().optional(),
    tests: z.array(testEntrySchema()),
    /** Present and true while the run is in progress, or when it never finished. */
    _partial: z.boolean().optional(),
    // --- evalbox additions ---
    run_id: z.string().optional(),
    /** Why a partial stopped: 'interrupted' (signal, bail, crash) or still 'running'. */
    partial_reason: z.enum(['running', 'interrupted']).optional(),
    skipped: z.number().int().nonnegative().optional(),
    not_run: z.array(notRunEntrySchema()).optional(),
    shard: z.string().optional(),
    /** The run ran only part of the suite (`-t`, file filters...): see {@link runFilterSchema}. */
    filter: runFilterSchema().optional(),
    evalbox_version: z.string().optional(),
    vitest_version: z.string().optional(),
    node_version: z.string().optional(),
    /** Pass-rate intervals, pass@k / pass^k of repeated cases, mean-score intervals. Absent while running. */
    stats: runStatsSchema().optional(),
  }),
)
export type RunFile = z.infer<ReturnType<typeof runFileSchema>>

/**
 * A run file's top-level fields, with its tests left unchecked: enough to list and pick runs
 * without validating every test of every file in the results directory.
 */
export const runHeaderSchema = lazy(() =>
  runFileSchema().extend({
    tests: z.array(z.unknown()),
    not_run: z.array(z.unknown()).optional(),
  }),
)
