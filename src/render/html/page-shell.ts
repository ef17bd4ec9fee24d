/**
 * The static body of the report page: headings, controls and empty containers that the
 * page script fills from the embedded data. It holds no data, so nothing here needs escaping.
 */
export const PAGE_SHELL = `<header>
  <h1>evalbox report</h1>
  <p id="report-meta"></p>
  <ul id="report-warnings" class="notes"></ul>
</header>
<main>
<section id="trend" aria-labelledby="trend-title">
  <h2 id="trend-title">Runs over time</h2>
  <p class="hint">One point per run; hover for details, click to open the run below.</p>
  <div id="trend-legend" class="legend"></div>
  <div id="trend-charts" class="charts"></div>
</section>
<section id="cases" aria-labelledby="cases-title">
  <h2 id="cases-title">Cases</h2>
  <div class="controls">
    <label>Run <select id="run-select"></select></label>
    <label>Filter <input id="case-filter" type="search" placeholder="name, suite, status, exit reason" autocomplete="off"></label>
    <span id="case-count" class="hint"></span>
  </div>
  <p id="run-summary"></p>
  <p id="run-note" class="note" hidden></p>
  <div class="table-wrap">
  <table id="case-table">
    <thead><tr>
      <th data-sort="name" data-type="text"><button type="button">Name</button></th>
      <th data-sort="suite" data-type="text"><button type="button">Suite</button></th>
      <th data-sort="status" data-type="text"><button type="button">Status</button></th>
      <th data-sort="score" data-type="number" class="num"><button type="button">Score</button></th>
      <th data-sort="cost_usd" data-type="number" class="num"><button type="button">Cost</button></th>
      <th data-sort="turns" data-type="number" class="num"><button type="button">Turns</button></th>
      <th data-sort="duration_ms" data-type="number" class="num"><button type="button">Duration</button></th>
      <th data-sort="exitReason" data-type="text"><button type="button">Exit reason</button></th>
    </tr></thead>
    <tbody></tbody>
  </table>
  </div>
  <p class="hint">Click a header to sort, a row to open the case side by side.</p>
</section>
<section id="side-by-side" aria-labelledby="sbs-title">
  <h2 id="sbs-title">Side by side</h2>
  <div class="controls">
    <label>Case <select id="sbs-case"></select></label>
    <label>Left <select id="sbs-left"></select></label>
    <label>Right <select id="sbs-right"></select></label>
  </div>
  <ul id="sbs-commentary" class="commentary"></ul>
  <div class="panes">
    <article id="sbs-left-pane" class="pane"></article>
    <article id="sbs-right-pane" class="pane"></article>
  </div>
</section>
</main>`
