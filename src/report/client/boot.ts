/** Page script: reads the embedded data and wires the sections together. */
export const BOOT_SCRIPT = `
var model = JSON.parse(byId('evalbox-report-data').textContent);
var data = model.data;
var runsByFile = {};
data.runs.forEach(function (run) { runsByFile[run.file] = run; });

function selectRun(file) {
  var run = runsByFile[file];
  if (!run) return;
  showRun(run, openCase);
  markSelectedPoints(file);
}

function pickFromChart(file) {
  selectRun(file);
  byId('cases').scrollIntoView();
}

function boot() {
  var scope = data.tier ? 'tier ' + data.tier : 'all tiers';
  byId('report-meta').textContent = data.dir + ' · ' + data.runs.length + ' runs (' + scope + ') · built ' +
    data.generatedAt.replace('T', ' ').slice(0, 16) + ' UTC';
  var warnings = byId('report-warnings');
  data.warnings.forEach(function (w) { warnings.appendChild(el('li', '', w)); });
  drawTrend(model.charts, pickFromChart);
  setupCaseTable(data.runs, openCase, selectRun);
  setupSideBySide(data.runs);
  if (data.selected) selectRun(data.selected);
  var cmp = data.comparison;
  if (cmp) {
    sbs.left = cmp.before || '';
    sbs.right = cmp.after;
    sbs.caseKey = cmp.caseKey || '';
    renderSideBySide();
  }
}

boot();
`
