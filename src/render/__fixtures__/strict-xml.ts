/**
 * Test-only: a small strict XML reader, enough to check what junitXml writes. It throws on
 * anything a conforming parser rejects in such documents: characters outside XML 1.0's Char
 * production, a raw `<` or `&` in text or attributes, unknown entities, unquoted or repeated
 * attributes, a raw `]]>`, mismatched or unclosed tags, content after the root. Comments, CDATA and DTDs
 * are not supported (junitXml writes none), so they fail too.
 */
export interface XmlElement {
  name: string
  attrs: Record<string, string>
  children: XmlElement[]
  text: string
}

const LEGAL = /^[\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]*$/u
const NAME = /[A-Za-z_][\w.-]*/y
const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }

function decode(raw: string, where: string): string {
  if (raw.includes('<')) throw new Error(`raw "<" in ${where}`)
  if (raw.includes(']]>')) throw new Error(`raw "]]>" in ${where}`)
  return raw.replace(/&([^;]*);?/g, (match, ref: string) => {
    if (!match.endsWith(';')) throw new Error(`unterminated reference in ${where}`)
    if (ref in ENTITIES) return ENTITIES[ref]!
    const code = /^#x[0-9a-fA-F]+$/.test(ref)
      ? Number.parseInt(ref.slice(2), 16)
      : /^#\d+$/.test(ref)
        ? Number(ref.slice(1))
        : Number.NaN
    if (Number.isNaN(code)) throw new Error(`unknown entity &${ref}; in ${where}`)
    const char = String.fromCodePoint(code)
    if (!LEGAL.test(char)) throw new Error(`reference to an illegal character in ${where}`)
    return char
  })
}

export function parseStrictXml(xml: string): XmlElement {
  if (!LEGAL.test(xml)) throw new Error('document contains characters illegal in XML 1.0')
  let pos = 0
  const declaration = /^<\?xml [^?]*\?>\n?/.exec(xml)
  if (declaration) pos = declaration[0].length

  const name = (): string => {
    NAME.lastIndex = pos
    const match = NAME.exec(xml)
    if (!match) throw new Error(`expected a name at ${pos}`)
    pos += match[0].length
    return match[0]
  }
  const spaces = () => {
    while (/\s/.test(xml[pos] ?? '')) pos++
  }

  const element = (): XmlElement => {
    if (xml[pos] !== '<') throw new Error(`expected "<" at ${pos}`)
    pos++
    const node: XmlElement = { name: name(), attrs: {}, children: [], text: '' }
    for (;;) {
      const before = pos
      spaces()
      if (xml.startsWith('/>', pos)) {
        pos += 2
        return node
      }
      if (xml[pos] === '>') {
        pos++
        break
      }
      if (pos === before) throw new Error(`expected whitespace before an attribute at ${pos}`)
      const attr = name()
      if (attr in node.attrs) throw new Error(`repeated attribute ${attr} on <${node.name}>`)
      if (xml[pos] !== '=' || (xml[pos + 1] !== '"' && xml[pos + 1] !== "'"))
        throw new Error(`attribute ${attr} is not quoted at ${pos}`)
      const quote = xml[pos + 1]!
      const end = xml.indexOf(quote, pos + 2)
      if (end < 0) throw new Error(`unterminated attribute ${attr}`)
      node.attrs[attr] = decode(xml.slice(pos + 2, end), `attribute ${attr} of <${node.name}>`)
      pos = end + 1
    }
    for (;;) {
      const next = xml.indexOf('<', pos)
      if (next < 0) throw new Error(`<${node.name}> is never closed`)
      node.text += decode(xml.slice(pos, next), `text of <${node.name}>`)
      pos = next
      if (xml.startsWith('</', pos)) {
        pos += 2
        const closing = name()
        if (closing !== node.name) throw new Error(`</${closing}> closes <${node.name}>`)
        spaces()
        if (xml[pos] !== '>') throw new Error(`expected ">" at ${pos}`)
        pos++
        return node
      }
      node.children.push(element())
    }
  }

  const root = element()
  if (xml.slice(pos).trim() !== '') throw new Error(`content after the root element at ${pos}`)
  return root
}

/** Every element of the tree, depth first, with the given name. */
export function findAll(root: XmlElement, name: string): XmlElement[] {
  const found: XmlElement[] = []
  const walk = (node: XmlElement) => {
    if (node.name === name) found.push(node)
    node.children.forEach(walk)
  }
  walk(root)
  return found
}
