import type {
  CaseDetail,
  ReportCase,
  ReportData,
  ReportGrade,
  ReportRun,
  TextBlock,
  ToolCallList,
} from '../types.ts'
import { byId, clear, el, formatBytes, option, statusClass } from './dom.ts'

// One case in two runs, side by side: the case's numbers, output, error, grades, tool calls
// and patch (diff lines coloured by their first character).

/** The view's controls, wired once. */
export interface SideBySide {
  /** Shows case `caseKey` of run `left` (empty for none) beside the same case of run `right`. */
  show(left: string, right: string, caseKey: string): void
  /** Shows case `key` of run `file` beside the same case in that run's previous run. */
  openCase(key: string, file: string): void
}

function diffClass(line: string): string {
  if (line.startsWith('+++') || line.startsWith('---')) return 'diff-meta'
  if (line.startsWith('diff ') || line.startsWith('index ')) return 'diff-meta'
  if (line.startsWith('@@')) return 'diff-hunk'
  if (line.startsWith('+')) return 'diff-add'
  if (line.startsWith('-')) return 'diff-del'
  return ''
}

function facts(pane: HTMLElement, c: ReportCase): void {
  const dl = el('dl', 'facts')
  const pairs: Array<[string, string | number | null]> = [
    ['Status', c.status],
    ['Why it failed', c.headline ?? ''],
    ['Score', c.scoreText],
    ['Cost', c.costText],
    ['Turns', c.turns],
    ['Duration', c.durationText],
    ['Exit reason', c.exitReason],
    ['Sandbox', c.sandbox ?? ''],
    ['Over its repeats', c.statsText ?? ''],
  ]
  for (const [label, value] of pairs) {
    if (value === null || value === '') continue
    dl.appendChild(el('dt', '', label))
    dl.appendChild(el('dd', label === 'Status' ? statusClass(c.status) : '', value))
  }
  pane.appendChild(dl)
}

function grades(pane: HTMLElement, list: readonly ReportGrade[]): void {
  pane.appendChild(el('h4', '', 'Grades'))
  if (list.length === 0) {
    pane.appendChild(el('p', 'hint', 'No grades recorded.'))
    return
  }
  const table = el('table', 'grades')
  for (const g of list) {
    const tr = el('tr')
    tr.appendChild(el('td', '', g.name))
    tr.appendChild(el('td', g.pass ? 'status-pass' : 'status-fail', g.pass ? 'PASS' : 'FAIL'))
    tr.appendChild(el('td', 'num', g.score === null ? 'unscored' : g.score.toFixed(2)))
    tr.appendChild(el('td', 'explanation', g.explanation))
    table.appendChild(tr)
  }
  pane.appendChild(table)
}

function toolCalls(pane: HTMLElement, list: ToolCallList | null): void {
  pane.appendChild(el('h4', '', `Tool calls${list ? ` (${list.calls.length + list.omitted})` : ''}`))
  if (!list) {
    pane.appendChild(el('p', 'hint', 'No tool calls recorded.'))
    return
  }
  const ol = el('ol', 'tool-calls')
  for (const call of list.calls) ol.appendChild(el('li', '', call))
  pane.appendChild(ol)
  if (list.omitted > 0) pane.appendChild(el('p', 'truncated', `${list.omitted} more calls not listed`))
  pane.appendChild(el('p', 'hint', `from ${list.source}`))
}

/**
 * The case a newly chosen pair of runs opens on: the first that regressed (passed on the left,
 * fails on the right), else the first whose status changed, else the first failing one.
 */
function changedCase(left: ReportRun | undefined, right: ReportRun | undefined): string | undefined {
  if (!right) return undefined
  const before = new Map((left?.cases ?? []).map((c) => [c.key, c.status]))
  const regressed = right.cases.find((c) => c.status === 'FAIL' && before.get(c.key) === 'PASS')
  const changed = left && right.cases.find((c) => before.get(c.key) !== c.status)
  return (regressed ?? changed ?? right.cases.find((c) => c.status === 'FAIL'))?.key
}

/** Wires the view's selectors for the runs of `data`. */
export function setupSideBySide(data: ReportData, runsByFile: ReadonlyMap<string, ReportRun>): SideBySide {
  const view = { left: '', right: '', caseKey: '' }

  function truncatedNote(pane: HTMLElement, block: TextBlock): void {
    if (!block.truncated) return
    const note = `truncated: showing the first ${formatBytes(data.maxTextBytes)} of ${formatBytes(block.bytes)}`
    pane.appendChild(el('p', 'truncated', note))
  }

  function textBlock(pane: HTMLElement, block: TextBlock | null, className: string, missing: string): void {
    if (!block) {
      pane.appendChild(el('p', 'hint', missing))
      return
    }
    truncatedNote(pane, block)
    pane.appendChild(el('pre', className, block.text))
  }

  function diffBlock(pane: HTMLElement, block: TextBlock | null): void {
    if (!block) {
      pane.appendChild(el('p', 'hint', 'No patch recorded.'))
      return
    }
    truncatedNote(pane, block)
    const pre = el('pre', 'diff')
    for (const line of block.text.replace(/\n$/, '').split('\n')) {
      pre.appendChild(el('span', diffClass(line), line === '' ? ' ' : line))
    }
    pane.appendChild(pre)
  }

  function details(pane: HTMLElement, d: CaseDetail): void {
    if (d.notes.length > 0) {
      const ul = el('ul', 'notes')
      for (const n of d.notes) ul.appendChild(el('li', '', n))
      pane.appendChild(ul)
    }
    pane.appendChild(el('h4', '', 'Output'))
    textBlock(pane, d.output, 'output', 'No output recorded.')
    if (d.error) {
      pane.appendChild(el('h4', '', 'Error'))
      textBlock(pane, d.error, 'error', '')
    }
    grades(pane, d.grades)
    toolCalls(pane, d.toolCalls)
    pane.appendChild(el('h4', '', 'Patch'))
    diffBlock(pane, d.patch)
  }

  /** A case that ran in another sandbox on the right than on the left: its outcome may come from the sandbox. */
  function sandboxChangeNote(pane: HTMLElement, left: ReportRun | undefined, c: ReportCase): void {
    const before = left?.cases.find((x) => x.key === c.key)?.sandbox
    if (!before || !c.sandbox || before === c.sandbox) return
    const text = `Sandbox changed: ${before} → ${c.sandbox}. The outcome may come from the sandbox, not the agent.`
    pane.appendChild(el('p', 'note sandbox-change', text))
  }

  function renderPane(pane: HTMLElement, run: ReportRun | undefined, key: string, left?: ReportRun): void {
    clear(pane)
    pane.setAttribute('data-run', run ? run.file : '')
    if (!run) {
      pane.appendChild(el('p', 'hint', 'No earlier run to compare with.'))
      return
    }
    pane.appendChild(el('h3', '', run.file + (run.partial ? ' (partial)' : '')))
    pane.appendChild(
      el('p', 'meta', `${run.tier} · ${run.timeText} · ${run.branch} @ ${run.git_sha.slice(0, 7)}`),
    )
    const c = run.cases.find((x) => x.key === key)
    if (!c) {
      pane.appendChild(el('p', 'note', 'This case is not in this run.'))
      return
    }
    sandboxChangeNote(pane, left, c)
    facts(pane, c)
    if (!c.detail) {
      const note = run.detailsOmitted
        ? 'Details of this run were left out to keep the page small.'
        : 'Details of this case were left out to keep the page small: the case the page opens on, then changed and failing cases, come first.'
      pane.appendChild(el('p', 'note detail-omitted', note))
      return
    }
    details(pane, c.detail)
  }

  function renderCommentary(): void {
    const list = byId('sbs-commentary')
    clear(list)
    const cmp = data.comparison
    // The takeaways are about the pair the page opened with, not any other.
    if (!cmp || cmp.before !== view.left || cmp.after !== view.right) return
    for (const line of cmp.commentary) list.appendChild(el('li', '', line))
  }

  function fillCaseSelect(): void {
    const select = byId<HTMLSelectElement>('sbs-case')
    clear(select)
    const seen = new Set<string>()
    for (const file of [view.right, view.left]) {
      for (const c of runsByFile.get(file)?.cases ?? []) {
        if (seen.has(c.key)) continue
        seen.add(c.key)
        select.appendChild(option(c.key, c.key))
      }
    }
    if (!seen.has(view.caseKey)) {
      view.caseKey =
        changedCase(runsByFile.get(view.left), runsByFile.get(view.right)) ?? select.options[0]?.value ?? ''
    }
    select.value = view.caseKey
  }

  function render(): void {
    byId<HTMLSelectElement>('sbs-left').value = view.left
    byId<HTMLSelectElement>('sbs-right').value = view.right
    fillCaseSelect()
    renderCommentary()
    renderPane(byId('sbs-left-pane'), runsByFile.get(view.left), view.caseKey)
    renderPane(byId('sbs-right-pane'), runsByFile.get(view.right), view.caseKey, runsByFile.get(view.left))
  }

  for (const side of ['left', 'right'] as const) {
    const select = byId<HTMLSelectElement>(`sbs-${side}`)
    if (side === 'left') select.appendChild(option('', '(none)'))
    for (const run of data.runs)
      select.appendChild(option(run.file, `${run.timeText} · ${run.tier} · ${run.file}`))
    select.addEventListener('change', () => {
      view[side] = select.value
      render()
    })
  }
  const caseSelect = byId<HTMLSelectElement>('sbs-case')
  caseSelect.addEventListener('change', () => {
    view.caseKey = caseSelect.value
    render()
  })

  function show(left: string, right: string, caseKey: string): void {
    view.left = left
    view.right = right
    view.caseKey = caseKey
    render()
  }

  function openCase(key: string, file: string): void {
    // The server picked each run's previous run by the rule of `evalbox compare`.
    show(runsByFile.get(file)?.previous ?? '', file, key)
    byId('side-by-side').scrollIntoView()
  }

  return { show, openCase }
}
