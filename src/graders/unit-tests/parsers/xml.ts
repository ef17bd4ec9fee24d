import { XMLParser, XMLValidator } from 'fast-xml-parser'
import { lazy } from '../../../core/lazy.ts'

/** An element of a parsed XML document: name, attributes and child elements. */
export interface XmlElement {
  name: string
  attributes: Record<string, string>
  children: XmlElement[]
}

/** A report that is not well-formed XML, or too large to read. */
export class XmlParseError extends Error {
  override name = 'XmlParseError'
}

/** Reports longer than this (in UTF-16 units, ~64 MiB of ASCII) are refused unread. */
export const MAX_XML_LENGTH = 64 * 1024 * 1024

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" }

// XML's five entities and character references, in one pass (so `&amp;#10;` stays `&#10;`).
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

// Entities are decoded above, never expanded from a DTD (no billion laughs); text is dropped
// as it is read (reports are read for their elements and attributes only), so a report's
// captured output costs no memory; comments, declarations and processing instructions are
// skipped, and CDATA is text, so markup a test prints never becomes an element. Built on
// first use: building it is a good part of a worker's import of evalbox.
const parser = lazy(
  () =>
    new XMLParser({
      preserveOrder: true,
      ignoreAttributes: false,
      attributeNamePrefix: '',
      parseAttributeValue: false,
      parseTagValue: false,
      processEntities: false,
      htmlEntities: false,
      ignoreDeclaration: true,
      ignorePiTags: true,
      tagValueProcessor: () => '',
    }),
)

type Ordered = Record<string, unknown> & { ':@'?: Record<string, string> }

function toElements(nodes: readonly Ordered[]): XmlElement[] {
  const elements: XmlElement[] = []
  for (const node of nodes) {
    const name = Object.keys(node).find((key) => key !== ':@')
    if (name === undefined || name === '#text') continue
    const attributes: Record<string, string> = {}
    for (const [key, value] of Object.entries(node[':@'] ?? {})) attributes[key] = decode(String(value))
    elements.push({ name, attributes, children: toElements(node[name] as Ordered[]) })
  }
  return elements
}

// The validator lists the tags left open at the end as JSON: `Invalid '["a","b"]' found.`
function readable(message: string): string {
  const open = /^Invalid '(\[[^']*\])' found\.$/s.exec(message)
  if (!open) return message
  try {
    const names = JSON.parse(open[1]!) as string[]
    return `Unclosed tag${names.length === 1 ? '' : 's'} ${names.map((name) => `'${name}'`).join(', ')}.`
  } catch {
    return message
  }
}

/**
 * Reads the element structure of an XML document (test reports: JUnit, surefire) with
 * fast-xml-parser. Strict: a document that is not well-formed XML (unclosed or mismatched
 * tags, a raw `<` or `&`, repeated attributes), or is longer than `maxLength`, throws an
 * {@link XmlParseError} saying what and where. Returns the top-level elements.
 */
export function parseXml(xml: string, maxLength = MAX_XML_LENGTH): XmlElement[] {
  if (xml.length > maxLength) {
    throw new XmlParseError(`the report is ${xml.length} characters long, more than the ${maxLength} read`)
  }
  const valid = XMLValidator.validate(xml)
  if (valid !== true) {
    const { msg, line, col } = valid.err
    throw new XmlParseError(
      `the report is not well-formed XML: ${readable(msg)} (line ${line}${col ? `, column ${col}` : ''})`,
    )
  }
  try {
    return toElements(parser().parse(xml) as Ordered[])
  } catch (error) {
    throw new XmlParseError(`the report could not be read as XML: ${(error as Error).message}`, {
      cause: error,
    })
  }
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
