import type { CaseStatus } from '../types.ts'

// Every piece of data reaches the page through `textContent` or an attribute value, never
// through markup.

const SVG_NS = 'http://www.w3.org/2000/svg'

/** The element with `id`; the page shell (page-shell.ts) holds every id the script uses. */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const node = document.getElementById(id)
  if (!node) throw new Error(`evalbox report: the page has no #${id}`)
  return node as T
}

/** A new HTML element with an optional class and text. */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className = '',
  text?: string | number | null,
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag)
  if (className) node.className = className
  if (text !== undefined && text !== null) node.textContent = String(text)
  return node
}

/** A new SVG element with the given attributes. */
export function svgEl<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | number> = {},
): SVGElementTagNameMap[K] {
  const node = document.createElementNS(SVG_NS, tag)
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, String(value))
  return node
}

export function clear(node: Element): void {
  node.replaceChildren()
}

export function option(value: string, text: string): HTMLOptionElement {
  const node = el('option', '', text)
  node.value = value
  return node
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`
  if (n < 1024 * 1024) return `${Math.round(n / 1024)} KB`
  return `${(n / (1024 * 1024)).toFixed(1)} MB`
}

export function statusClass(status: CaseStatus): string {
  if (status === 'PASS') return 'status-pass'
  if (status === 'FAIL') return 'status-fail'
  return 'status-other'
}
