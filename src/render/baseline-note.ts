import { type Baseline, caseKey } from '../store/baseline.ts'
import type { RunFile, RunFilter } from '../store/schema.ts'

/** A run's filter as the command line said it: `-t 'Japan'`, `files capitals.eval.ts`. */
export function describeFilter(filter: RunFilter): string {
  const parts: string[] = []
  if (filter.test_name_pattern !== undefined) parts.push(`-t '${filter.test_name_pattern}'`)
  if (filter.files?.length) parts.push(`files ${filter.files.join(' ')}`)
  if (filter.related?.length) parts.push(`--related ${filter.related.join(' ')}`)
  if (filter.projects?.length) parts.push(`--project ${filter.projects.join(' ')}`)
  return parts.length > 0 ? parts.join(', ') : 'part of the suite'
}

/** Distinct cases of a run: what ran, and (with `listed`) what it lists as not run too. */
function cases(run: RunFile, listed: boolean): number {
  return new Set([...run.tests, ...(listed ? (run.not_run ?? []) : [])].map(caseKey)).size
}

/**
 * `filtered run: -t 'Japan' — 2 of 13 cases` for a run that ran part of the suite; the suite's
 * size is `suiteCases` when known (see {@link Baseline.suiteCases}), else what the run listed.
 * `undefined` for a full run.
 */
export function filterNote(run: RunFile, suiteCases?: number): string | undefined {
  if (!run.filter) return undefined
  const total = Math.max(suiteCases ?? 0, cases(run, true))
  return `filtered run: ${describeFilter(run.filter)} — ${cases(run, false)} of ${total} cases`
}

/**
 * `compared with the last run of each case (3 runs: a.json 10, b.json 2, c.json 1)` when
 * the cases came from more than one run; `undefined` when one run stands for them all.
 */
export function baselineNote(baseline: Baseline): string | undefined {
  if (!baseline.composite) return undefined
  const runs = baseline.sources.map(
    (s) => `${s.file} ${s.cases} case${s.cases === 1 ? '' : 's'}${s.filtered ? ' (filtered)' : ''}`,
  )
  return `compared with the last run of each case (${runs.length} runs: ${runs.join(', ')})`
}
