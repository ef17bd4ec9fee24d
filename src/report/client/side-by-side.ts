/**
 * Page script: one case in two runs, side by side: the case's numbers, output, error,
 * grades, tool calls and patch (diff lines coloured by their first character).
 */
export const SIDE_BY_SIDE_SCRIPT = String.raw`
var sbs = { left: '', right: '', caseKey: '' };

function textBlock(pane, block, className, missing) {
  if (!block) {
    pane.appendChild(el('p', 'hint', missing));
    return;
  }
  if (block.truncated) {
    pane.appendChild(el('p', 'truncated', 'truncated: showing the first ' + formatBytes(data.maxTextBytes) + ' of ' + formatBytes(block.bytes)));
  }
  pane.appendChild(el('pre', className, block.text));
}

function diffClass(line) {
  if (line.indexOf('+++') === 0 || line.indexOf('---') === 0) return 'diff-meta';
  if (line.indexOf('diff ') === 0 || line.indexOf('index ') === 0) return 'diff-meta';
  if (line.indexOf('@@') === 0) return 'diff-hunk';
  if (line.charAt(0) === '+') return 'diff-add';
  if (line.charAt(0) === '-') return 'diff-del';
  return '';
}

function diffBlock(pane, block) {
  if (!block) {
    pane.appendChild(el('p', 'hint', 'No patch recorded.'));
    return;
  }
  if (block.truncated) {
    pane.appendChild(el('p', 'truncated', 'truncated: showing the first ' + formatBytes(data.maxTextBytes) + ' of ' + formatBytes(block.bytes)));
  }
  var pre = el('pre', 'diff');
  block.text.replace(/\n$/, '').split('\n').forEach(function (line) {
    pre.appendChild(el('span', diffClass(line), line === '' ? ' ' : line));
  });
  pane.appendChild(pre);
}

function facts(pane, c) {
  var dl = el('dl', 'facts');
  [['Status', c.status], ['Score', c.scoreText], ['Cost', c.costText], ['Turns', c.turns],
    ['Duration', c.durationText], ['Exit reason', c.exitReason]].forEach(function (pair) {
    if (pair[1] === null || pair[1] === undefined || pair[1] === '') return;
    dl.appendChild(el('dt', '', pair[0]));
    dl.appendChild(el('dd', pair[0] === 'Status' ? statusClass(c.status) : '', pair[1]));
  });
  pane.appendChild(dl);
}

function grades(pane, list) {
  pane.appendChild(el('h4', '', 'Grades'));
  if (list.length === 0) {
    pane.appendChild(el('p', 'hint', 'No grades recorded.'));
    return;
  }
  var table = el('table', 'grades');
  list.forEach(function (g) {
    var tr = el('tr');
    tr.appendChild(el('td', '', g.name));
    tr.appendChild(el('td', g.pass ? 'status-pass' : 'status-fail', g.pass ? 'PASS' : 'FAIL'));
    tr.appendChild(el('td', 'num', g.score === null ? 'unscored' : g.score.toFixed(2)));
    tr.appendChild(el('td', 'explanation', g.explanation));
    table.appendChild(tr);
  });
  pane.appendChild(table);
}

function toolCalls(pane, list) {
  pane.appendChild(el('h4', '', 'Tool calls' + (list ? ' (' + (list.calls.length + list.omitted) + ')' : '')));
  if (!list) {
    pane.appendChild(el('p', 'hint', 'No tool calls recorded.'));
    return;
  }
  var ol = el('ol', 'tool-calls');
  list.calls.forEach(function (call) { ol.appendChild(el('li', '', call)); });
  pane.appendChild(ol);
  if (list.omitted > 0) pane.appendChild(el('p', 'truncated', list.omitted + ' more calls not listed'));
  pane.appendChild(el('p', 'hint', 'from ' + list.source));
}

function renderPane(pane, run, key) {
  clear(pane);
  pane.setAttribute('data-run', run ? run.file : '');
  if (!run) {
    pane.appendChild(el('p', 'hint', 'No earlier run to compare with.'));
    return;
  }
  pane.appendChild(el('h3', '', run.file + (run.partial ? ' (partial)' : '')));
  pane.appendChild(el('p', 'meta', run.tier + ' · ' + run.timeText + ' · ' + run.branch + ' @ ' + run.git_sha.slice(0, 7)));
  var c = run.cases.filter(function (x) { return x.key === key; })[0];
  if (!c) {
    pane.appendChild(el('p', 'note', 'This case is not in this run.'));
    return;
  }
  facts(pane, c);
  var d = c.detail;
  if (!d) {
    pane.appendChild(el('p', 'note', 'Details of this run were left out to keep the page small.'));
    return;
  }
  if (d.notes.length > 0) {
    var ul = el('ul', 'notes');
    d.notes.forEach(function (n) { ul.appendChild(el('li', '', n)); });
    pane.appendChild(ul);
  }
  pane.appendChild(el('h4', '', 'Output'));
  textBlock(pane, d.output, 'output', 'No output recorded.');
  if (d.error) {
    pane.appendChild(el('h4', '', 'Error'));
    textBlock(pane, d.error, 'error', '');
  }
  grades(pane, d.grades);
  toolCalls(pane, d.toolCalls);
  pane.appendChild(el('h4', '', 'Patch'));
  diffBlock(pane, d.patch);
}

function renderCommentary() {
  var list = byId('sbs-commentary');
  clear(list);
  var cmp = data.comparison;
  if (!cmp || cmp.before !== sbs.left || cmp.after !== sbs.right) return;
  cmp.commentary.forEach(function (line) { list.appendChild(el('li', '', line)); });
}

function fillCaseSelect() {
  var select = byId('sbs-case');
  clear(select);
  var seen = {};
  [sbs.right, sbs.left].forEach(function (file) {
    var run = runsByFile[file];
    if (!run) return;
    run.cases.forEach(function (c) {
      if (seen[c.key]) return;
      seen[c.key] = true;
      select.appendChild(option(c.key, c.key));
    });
  });
  if (!seen[sbs.caseKey]) sbs.caseKey = select.options.length > 0 ? select.options[0].value : '';
  select.value = sbs.caseKey;
}

function renderSideBySide() {
  byId('sbs-left').value = sbs.left;
  byId('sbs-right').value = sbs.right;
  fillCaseSelect();
  renderCommentary();
  renderPane(byId('sbs-left-pane'), runsByFile[sbs.left], sbs.caseKey);
  renderPane(byId('sbs-right-pane'), runsByFile[sbs.right], sbs.caseKey);
}

function previousRun(file) {
  var run = runsByFile[file];
  var older = data.runs.filter(function (r) {
    return r.tier === run.tier && !r.partial && r.file !== run.file && Date.parse(r.timestamp) < Date.parse(run.timestamp);
  });
  return older.filter(function (r) { return r.branch === run.branch; })[0] || older[0] || null;
}

function setupSideBySide(runs) {
  ['sbs-left', 'sbs-right'].forEach(function (id) {
    var select = byId(id);
    if (id === 'sbs-left') select.appendChild(option('', '(none)'));
    runs.forEach(function (run) { select.appendChild(option(run.file, run.timeText + ' · ' + run.tier + ' · ' + run.file)); });
    select.addEventListener('change', function () {
      if (id === 'sbs-left') sbs.left = select.value;
      else sbs.right = select.value;
      renderSideBySide();
    });
  });
  byId('sbs-case').addEventListener('change', function (event) {
    sbs.caseKey = event.target.value;
    renderSideBySide();
  });
}

function openCase(key, file) {
  var before = previousRun(file);
  sbs.left = before ? before.file : '';
  sbs.right = file;
  sbs.caseKey = key;
  renderSideBySide();
  byId('side-by-side').scrollIntoView();
}
`
