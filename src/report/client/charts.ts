/**
 * Page script: draws the trend charts from their precomputed layouts (see trend-chart.ts)
 * as inline SVG. A point's tooltip is an SVG <title>; clicking it selects the run.
 */
export const CHARTS_SCRIPT = `
function drawChart(layout, onPick) {
  var figure = el('figure', 'chart');
  figure.id = 'chart-' + layout.id;
  figure.appendChild(el('figcaption', '', layout.title));
  var svg = svgEl('svg', {
    viewBox: '0 0 ' + layout.width + ' ' + layout.height,
    role: 'img',
    'aria-label': layout.title + ' per run',
  });
  var p = layout.plot;
  layout.yTicks.forEach(function (tick) {
    svg.appendChild(svgEl('line', { class: 'grid', x1: p.left, x2: p.right, y1: tick.at, y2: tick.at }));
    var label = svgEl('text', { class: 'tick-label', x: p.left - 6, y: tick.at + 4, 'text-anchor': 'end' });
    label.textContent = tick.label;
    svg.appendChild(label);
  });
  layout.xTicks.forEach(function (tick) {
    var label = svgEl('text', { class: 'tick-label', x: tick.at, y: p.bottom + 18, 'text-anchor': 'middle' });
    label.textContent = tick.label;
    svg.appendChild(label);
  });
  svg.appendChild(svgEl('line', { class: 'axis', x1: p.left, x2: p.right, y1: p.bottom, y2: p.bottom }));
  svg.appendChild(svgEl('line', { class: 'axis', x1: p.left, x2: p.left, y1: p.top, y2: p.bottom }));
  layout.series.forEach(function (series) {
    if (series.points.length > 1) {
      var line = series.points.map(function (pt) { return pt.x + ',' + pt.y; }).join(' ');
      svg.appendChild(svgEl('polyline', { class: 'series', points: line, stroke: series.color }));
    }
    series.points.forEach(function (pt) {
      var dot = svgEl('circle', {
        class: 'point',
        cx: pt.x,
        cy: pt.y,
        r: 5,
        fill: pt.partial ? 'none' : series.color,
        stroke: series.color,
        'data-run': pt.run,
        'data-tier': series.tier,
        tabindex: 0,
      });
      var title = svgEl('title', {});
      title.textContent = pt.title;
      dot.appendChild(title);
      dot.addEventListener('click', function () { onPick(pt.run); });
      dot.addEventListener('keydown', function (event) {
        if (event.key === 'Enter' || event.key === ' ') onPick(pt.run);
      });
      svg.appendChild(dot);
    });
  });
  figure.appendChild(svg);
  return figure;
}

function drawTrend(charts, onPick) {
  var holder = byId('trend-charts');
  clear(holder);
  charts.forEach(function (layout) { holder.appendChild(drawChart(layout, onPick)); });
  var legend = byId('trend-legend');
  clear(legend);
  (charts.length > 0 ? charts[charts.length - 1].series : []).forEach(function (series) {
    var item = el('span', 'legend-item');
    var swatch = el('span', 'swatch');
    swatch.style.background = series.color;
    item.appendChild(swatch);
    item.appendChild(document.createTextNode(series.tier + ' (' + series.points.length + ' runs)'));
    legend.appendChild(item);
  });
}

function markSelectedPoints(file) {
  var dots = document.querySelectorAll('#trend-charts circle.point');
  for (var i = 0; i < dots.length; i++) {
    dots[i].classList.toggle('selected', dots[i].getAttribute('data-run') === file);
  }
}
`
