import type { ReportCase, ReportRun } from '../types.ts'
import { byId, clear, el, option, statusClass } from './dom.ts'

// The case table of the selected run, with a run selector, a filter box and sorting by any
// column (numbers numerically, empty cells last).

interface Column {
  /** The field sorted on; the `data-sort` of its header in the page shell. */
  key: 'name' | 'suite' | 'status' | 'score' | 'cost_usd' | 'turns' | 'duration_ms' | 'exitReason'
  /** The field shown. */
  text: 'name' | 'suite' | 'status' | 'scoreText' | 'costText' | 'turns' | 'durationText' | 'exitReason'
  num?: boolean
}

const COLUMNS: readonly Column[] = [
  { key: 'name', text: 'name' },
  { key: 'suite', text: 'suite' },
  { key: 'status', text: 'status' },
  { key: 'score', text: 'scoreText', num: true },
  { key: 'cost_usd', text: 'costText', num: true },
  { key: 'turns', text: 'turns', num: true },
  { key: 'duration_ms', text: 'durationText', num: true },
  { key: 'exitReason', text: 'exitReason' },
]

/** The table's controls, wired once; `show` fills it with a run. */
export interface CaseTable {
  show(run: ReportRun): void
}

type Cell = string | number | null | undefined

function isEmpty(value: Cell): boolean {
  return value === null || value === undefined || value === ''
}

/**
 * Wires the run selector, the filter box and the sortable headers. A click on a row calls
 * `onOpen` with the case's key and the run's file; choosing a run calls `onRunChange`.
 */
export function setupCaseTable(
  runs: readonly ReportRun[],
  onOpen: (key: string, file: string) => void,
  onRunChange: (file: string) => void,
): CaseTable {
  const state: { run: ReportRun | null; sort: Column | null; dir: 1 | -1; filter: string } = {
    run: null,
    sort: null,
    dir: 1,
    filter: '',
  }

  function compareCells(a: ReportCase, b: ReportCase, column: Column): number {
    const x: Cell = a[column.key]
    const y: Cell = b[column.key]
    if (isEmpty(x) || isEmpty(y)) return isEmpty(x) === isEmpty(y) ? 0 : isEmpty(x) ? 1 : -1
    if (column.num) return (Number(x) - Number(y)) * state.dir
    return String(x).localeCompare(String(y)) * state.dir
  }

  function visibleCases(run: ReportRun): ReportCase[] {
    const query = state.filter.trim().toLowerCase()
    const cases = run.cases.filter(
      (c) => !query || [c.name, c.suite, c.status, c.exitReason].join(' ').toLowerCase().includes(query),
    )
    const column = state.sort
    if (!column) return cases
    return cases
      .map((c, i) => ({ c, i }))
      .sort((a, b) => compareCells(a.c, b.c, column) || a.i - b.i)
      .map((pair) => pair.c)
  }

  function renderRunSummary(run: ReportRun): void {
    const parts = [
      run.file,
      `${run.tier}, ${run.branch} @ ${run.git_sha.slice(0, 7)}`,
      run.timeText,
      run.passRateText,
      `cost ${run.costText}`,
    ]
    if (run.statsText) parts.push(run.statsText)
    if (run.skipped > 0) parts.push(`${run.skipped} not run`)
    if (run.partial) parts.push('partial: the run did not finish')
    if (run.filter) parts.push(`filtered run: ${run.filter} (left out of the trend)`)
    byId('run-summary').textContent = parts.join(' · ')
    const note = byId('run-note')
    const left = run.detailsOmitted ? 0 : run.cases.filter((c) => !c.detail).length
    note.hidden = !run.detailsOmitted && left === 0
    note.textContent = run.detailsOmitted
      ? 'Case details (outputs, grades, tool calls, patches) of this run were left out to keep the page small; rebuild with fewer --runs to include them.'
      : left > 0
        ? `Case details of ${left} of this run's ${run.cases.length} cases were left out to keep the page small; the case the page opens on, changed and failing cases come first.`
        : ''
  }

  function renderCaseRows(): void {
    const run = state.run
    if (!run) return
    const body = document.querySelector('#case-table tbody')!
    clear(body)
    const cases = visibleCases(run)
    for (const c of cases) {
      const tr = el('tr')
      tr.setAttribute('data-key', c.key)
      for (const column of COLUMNS) {
        const td = el('td', column.num ? 'num' : '', c[column.text])
        if (column.key === 'status') td.className = statusClass(c.status)
        if (column.key === 'status' && c.headline) td.title = c.headline
        if (column.key === 'name' && c.reason) td.title = c.reason
        tr.appendChild(td)
      }
      tr.addEventListener('click', () => onOpen(c.key, run.file))
      body.appendChild(tr)
    }
    byId('case-count').textContent = `Showing ${cases.length} of ${run.cases.length} cases`
  }

  const select = byId<HTMLSelectElement>('run-select')
  for (const run of runs) {
    const label = `${run.timeText} · ${run.tier} · ${run.passRateText} · ${run.file}${run.partial ? ' (partial)' : ''}${run.filter ? ' (filtered)' : ''}`
    select.appendChild(option(run.file, label))
  }
  select.addEventListener('change', () => onRunChange(select.value))
  const filter = byId<HTMLInputElement>('case-filter')
  filter.addEventListener('input', () => {
    state.filter = filter.value
    renderCaseRows()
  })
  const headers = [...document.querySelectorAll<HTMLTableCellElement>('#case-table th')]
  for (const th of headers) {
    th.querySelector('button')?.addEventListener('click', () => {
      const column = COLUMNS.find((col) => col.key === th.getAttribute('data-sort')) ?? null
      state.dir = state.sort === column ? (state.dir === 1 ? -1 : 1) : 1
      state.sort = column
      for (const other of headers) other.removeAttribute('aria-sort')
      th.setAttribute('aria-sort', state.dir === 1 ? 'ascending' : 'descending')
      renderCaseRows()
    })
  }

  return {
    show(run) {
      state.run = run
      select.value = run.file
      renderRunSummary(run)
      renderCaseRows()
    },
  }
}
