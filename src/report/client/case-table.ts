/**
 * Page script: the case table of the selected run, with a run selector, a filter box and
 * sorting by any column (numbers numerically, empty cells last).
 */
export const CASE_TABLE_SCRIPT = `
var tableState = { run: null, sortKey: null, sortDir: 1, filter: '' };

var COLUMNS = [
  { key: 'name', text: 'name' },
  { key: 'suite', text: 'suite' },
  { key: 'status', text: 'status' },
  { key: 'score', text: 'scoreText', num: true },
  { key: 'cost_usd', text: 'costText', num: true },
  { key: 'turns', text: 'turns', num: true },
  { key: 'duration_ms', text: 'durationText', num: true },
  { key: 'exitReason', text: 'exitReason' },
];

function compareCells(a, b, key, numeric) {
  var x = a[key];
  var y = b[key];
  var xEmpty = x === null || x === undefined || x === '';
  var yEmpty = y === null || y === undefined || y === '';
  if (xEmpty || yEmpty) return xEmpty === yEmpty ? 0 : xEmpty ? 1 : -1;
  if (numeric) return (x - y) * tableState.sortDir;
  return String(x).localeCompare(String(y)) * tableState.sortDir;
}

function visibleCases(run) {
  var query = tableState.filter.trim().toLowerCase();
  var cases = run.cases.filter(function (c) {
    if (!query) return true;
    return [c.name, c.suite, c.status, c.exitReason].join(' ').toLowerCase().indexOf(query) !== -1;
  });
  if (tableState.sortKey) {
    var column = COLUMNS.filter(function (col) { return col.key === tableState.sortKey; })[0];
    cases = cases
      .map(function (c, i) { return { c: c, i: i }; })
      .sort(function (a, b) { return compareCells(a.c, b.c, column.key, column.num) || a.i - b.i; })
      .map(function (pair) { return pair.c; });
  }
  return cases;
}

function renderRunSummary(run) {
  var parts = [run.file, run.tier + ', ' + run.branch + ' @ ' + run.git_sha.slice(0, 7), run.timeText,
    run.passRateText, 'cost ' + run.costText];
  if (run.skipped > 0) parts.push(run.skipped + ' not run');
  if (run.partial) parts.push('partial: the run did not finish');
  byId('run-summary').textContent = parts.join(' · ');
  var note = byId('run-note');
  note.hidden = !run.detailsOmitted;
  note.textContent = run.detailsOmitted
    ? 'Case details (outputs, grades, tool calls, patches) of this run were left out to keep the page small; rebuild with fewer --runs to include them.'
    : '';
}

function renderCaseRows(onOpen) {
  var run = tableState.run;
  var body = document.querySelector('#case-table tbody');
  clear(body);
  var cases = visibleCases(run);
  cases.forEach(function (c) {
    var tr = el('tr');
    tr.setAttribute('data-key', c.key);
    COLUMNS.forEach(function (col) {
      var td = el('td', col.num ? 'num' : '', c[col.text] === null ? '' : c[col.text]);
      if (col.key === 'status') td.className = statusClass(c.status);
      if (col.key === 'name' && c.reason) td.title = c.reason;
      tr.appendChild(td);
    });
    tr.addEventListener('click', function () { onOpen(c.key, run.file); });
    body.appendChild(tr);
  });
  byId('case-count').textContent = 'Showing ' + cases.length + ' of ' + run.cases.length + ' cases';
}

function setupCaseTable(runs, onOpen, onRunChange) {
  var select = byId('run-select');
  runs.forEach(function (run) {
    var label = run.timeText + ' · ' + run.tier + ' · ' + run.passRateText + ' · ' + run.file + (run.partial ? ' (partial)' : '');
    select.appendChild(option(run.file, label));
  });
  select.addEventListener('change', function () { onRunChange(select.value); });
  byId('case-filter').addEventListener('input', function (event) {
    tableState.filter = event.target.value;
    renderCaseRows(onOpen);
  });
  var headers = document.querySelectorAll('#case-table th');
  for (var i = 0; i < headers.length; i++) {
    (function (th) {
      th.querySelector('button').addEventListener('click', function () {
        var key = th.getAttribute('data-sort');
        tableState.sortDir = tableState.sortKey === key ? -tableState.sortDir : 1;
        tableState.sortKey = key;
        for (var j = 0; j < headers.length; j++) headers[j].removeAttribute('aria-sort');
        th.setAttribute('aria-sort', tableState.sortDir === 1 ? 'ascending' : 'descending');
        renderCaseRows(onOpen);
      });
    })(headers[i]);
  }
}

function showRun(run, onOpen) {
  tableState.run = run;
  byId('run-select').value = run.file;
  renderRunSummary(run);
  renderCaseRows(onOpen);
}
`
