import type { ChartLayout } from '../types.ts'
import { byId, clear, el, svgEl } from './dom.ts'

// Draws the trend charts from their precomputed layouts (see trend-chart.ts) as inline SVG.
// A point's tooltip is an SVG <title>; clicking it selects the run.

function drawChart(layout: ChartLayout, onPick: (file: string) => void): HTMLElement {
  const figure = el('figure', 'chart')
  figure.id = `chart-${layout.id}`
  figure.appendChild(el('figcaption', '', layout.title))
  const svg = svgEl('svg', {
    viewBox: `0 0 ${layout.width} ${layout.height}`,
    role: 'img',
    'aria-label': `${layout.title} per run`,
  })
  const p = layout.plot
  for (const tick of layout.yTicks) {
    svg.appendChild(svgEl('line', { class: 'grid', x1: p.left, x2: p.right, y1: tick.at, y2: tick.at }))
    const label = svgEl('text', { class: 'tick-label', x: p.left - 6, y: tick.at + 4, 'text-anchor': 'end' })
    label.textContent = tick.label
    svg.appendChild(label)
  }
  for (const tick of layout.xTicks) {
    const label = svgEl('text', {
      class: 'tick-label',
      x: tick.at,
      y: p.bottom + 18,
      'text-anchor': 'middle',
    })
    label.textContent = tick.label
    svg.appendChild(label)
  }
  svg.appendChild(svgEl('line', { class: 'axis', x1: p.left, x2: p.right, y1: p.bottom, y2: p.bottom }))
  svg.appendChild(svgEl('line', { class: 'axis', x1: p.left, x2: p.left, y1: p.top, y2: p.bottom }))
  for (const series of layout.series) {
    if (series.points.length > 1) {
      const line = series.points.map((pt) => `${pt.x},${pt.y}`).join(' ')
      svg.appendChild(svgEl('polyline', { class: 'series', points: line, stroke: series.color }))
    }
    for (const pt of series.points) {
      const dot = svgEl('circle', {
        class: 'point',
        cx: pt.x,
        cy: pt.y,
        r: 5,
        fill: series.color,
        stroke: series.color,
        'data-run': pt.run,
        'data-tier': series.tier,
        tabindex: 0,
      })
      const title = svgEl('title')
      title.textContent = pt.title
      dot.appendChild(title)
      dot.addEventListener('click', () => onPick(pt.run))
      dot.addEventListener('keydown', (event) => {
        if (event.key === 'Enter' || event.key === ' ') onPick(pt.run)
      })
      svg.appendChild(dot)
    }
  }
  figure.appendChild(svg)
  return figure
}

/** Draws every chart, and the legend of the last one's tiers. */
export function drawTrend(charts: readonly ChartLayout[], onPick: (file: string) => void): void {
  const holder = byId('trend-charts')
  clear(holder)
  for (const layout of charts) holder.appendChild(drawChart(layout, onPick))
  const legend = byId('trend-legend')
  clear(legend)
  for (const series of charts.at(-1)?.series ?? []) {
    const item = el('span', 'legend-item')
    const swatch = el('span', 'swatch')
    swatch.style.background = series.color
    item.appendChild(swatch)
    item.appendChild(document.createTextNode(`${series.tier} (${series.points.length} runs)`))
    legend.appendChild(item)
  }
}

/** Marks the points of run `file` as selected in every chart. */
export function markSelectedPoints(file: string): void {
  for (const dot of document.querySelectorAll('#trend-charts circle.point')) {
    dot.classList.toggle('selected', dot.getAttribute('data-run') === file)
  }
}
