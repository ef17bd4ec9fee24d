/** An element of a parsed XML document: name, attributes and child elements. */
export interface XmlElement {
  name: string
  attributes: Record<string, string>
  children: XmlElement[]
}

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" }

function decode(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
    if (name[0] === '#') {
      const code =
        name[1] === 'x' || name[1] === 'X' ? Number.parseInt(name.slice(2), 16) : Number(name.slice(1))
      return Number.isFinite(code) && code <= 0x10ffff ? String.fromCodePoint(code) : whole
    }
    return ENTITIES[name] ?? whole
  })
}

const ATTRIBUTE = /([^\s=/>]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g

/**
 * Reads the element structure of an XML document (test reports: JUnit, surefire). Text is
 * dropped; CDATA sections, comments, processing instructions and doctypes are skipped as
 * whole units, so markup printed by a test into `<system-out>` never becomes an element.
 * Lenient: unclosed elements are closed at the end. Returns the top-level elements.
 */
export function parseXml(xml: string): XmlElement[] {
  const root: XmlElement = { name: '#root', attributes: {}, children: [] }
  const stack: XmlElement[] = [root]
  let at = 0
  while (at < xml.length) {
    const open = xml.indexOf('<', at)
    if (open < 0) break
    const skipTo = (terminator: string) => {
      const end = xml.indexOf(terminator, open)
      return end < 0 ? xml.length : end + terminator.length
    }
    if (xml.startsWith('<![CDATA[', open)) at = skipTo(']]>')
    else if (xml.startsWith('<!--', open)) at = skipTo('-->')
    else if (xml.startsWith('<?', open)) at = skipTo('?>')
    else if (xml.startsWith('<!', open)) at = skipTo('>')
    else if (xml[open + 1] === '/') {
      const close = skipTo('>')
      const name = xml.slice(open + 2, close - 1).trim()
      // Pop to the matching element; a stray end tag is ignored.
      const index = stack.findLastIndex((element) => element.name === name)
      if (index > 0) stack.length = index
      at = close
    } else {
      const end = tagEnd(xml, open)
      const body = xml.slice(open + 1, end)
      const selfClosing = body.endsWith('/')
      const name = /^[^\s/>]+/.exec(body)?.[0] ?? ''
      const attributes: Record<string, string> = {}
      for (const match of body.slice(name.length).matchAll(ATTRIBUTE)) {
        attributes[match[1]!] = decode(match[2] ?? match[3] ?? '')
      }
      const element: XmlElement = { name, attributes, children: [] }
      stack.at(-1)!.children.push(element)
      if (!selfClosing) stack.push(element)
      at = end + 1
    }
  }
  return root.children
}

// The `>` that ends a start tag, skipping `>` inside quoted attribute values.
function tagEnd(xml: string, open: number): number {
  let quote: string | undefined
  for (let i = open + 1; i < xml.length; i++) {
    const char = xml[i]
    if (quote) {
      if (char === quote) quote = undefined
    } else if (char === '"' || char === "'") quote = char
    else if (char === '>') return i
  }
  return xml.length
}

/** Every element named `name` in the trees, depth first. */
export function findAll(elements: readonly XmlElement[], name: string): XmlElement[] {
  const found: XmlElement[] = []
  const visit = (element: XmlElement) => {
    if (element.name === name) found.push(element)
    for (const child of element.children) visit(child)
  }
  for (const element of elements) visit(element)
  return found
}
