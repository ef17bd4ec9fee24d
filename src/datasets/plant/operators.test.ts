import { describe, expect, test } from 'vitest'
import { applyMutations } from './apply.ts'
import { describeMutation, findMutations, type Mutation, type OperatorName } from './operators.ts'
import { scan } from './source-scan.ts'
import { type Language, tokenize } from './tokenize.ts'

function mutations(source: string, language: Language, operators?: OperatorName[]): Mutation[] {
  return findMutations(scan(source, language, tokenize(source, language)), operators)
}

function mutants(source: string, language: Language, operators?: OperatorName[]): string[] {
  return mutations(source, language, operators).map((m) => applyMutations(source, [m]).text)
}

describe('tokenize', () => {
  test('keeps strings, templates, regexes and comments whole', () => {
    const source =
      // biome-ignore lint/suspicious/noTemplateCurlyInString: JavaScript source under test
      "const s = 'a < b' + `x ${y < 1 ? '`' : 2} z` // c && d\nconst r = /a||b/g; /* p < q */ a / b"
    const kinds = tokenize(source, 'js').map((t) => `${t.kind}:${t.text}`)
    expect(kinds).toContain("string:'a < b'")
    // biome-ignore lint/suspicious/noTemplateCurlyInString: JavaScript source under test
    expect(kinds).toContain("string:`x ${y < 1 ? '`' : 2} z`")
    expect(kinds).toContain('comment:// c && d')
    expect(kinds).toContain('regex:/a||b/g')
    expect(kinds).toContain('comment:/* p < q */')
    expect(kinds.slice(-3)).toEqual(['ident:a', 'punct:/', 'ident:b'])
  })

  test('reads Python strings with prefixes and triple quotes, and # comments', () => {
    const source = 'x = f"{a < b}" + r\'\\d\'\n"""doc and\nmore"""  # a or b\ny = 1'
    const tokens = tokenize(source, 'python')
    expect(tokens.filter((t) => t.kind === 'string').map((t) => t.text)).toEqual([
      'f"{a < b}"',
      "r'\\d'",
      '"""doc and\nmore"""',
    ])
    expect(tokens.find((t) => t.text === 'y')?.line).toBe(4)
  })
})

describe('operators', () => {
  test('never plant inside strings, comments, templates or regexes', () => {
    const source =
      // biome-ignore lint/suspicious/noTemplateCurlyInString: JavaScript source under test
      "// if (a < b && c) f(a, b)\nconst s = 'x < 1 && y'\nconst t = `${'a'} < b`\nconst r = /a||b/\n"
    expect(mutations(source, 'js')).toEqual([])
    expect(mutations('s = "a < b and c"  # x < y or z\n', 'python')).toEqual([])
  })

  test('off-by-one and flipped comparisons leave TypeScript generics alone', () => {
    const source = 'const xs: Array<number> = f<T>(a)\nif (i < n && m > 0) go()\n'
    expect(mutants(source, 'js', ['off-by-one'])).toEqual([
      'const xs: Array<number> = f<T>(a)\nif (i <= n && m > 0) go()\n',
      'const xs: Array<number> = f<T>(a)\nif (i < n && m >= 0) go()\n',
    ])
    expect(mutants('total = count + 1\n', 'python', ['off-by-one'])).toEqual(['total = count + 2\n'])
    expect(mutants('if a == b:\n    pass\n', 'python', ['flipped-comparison'])).toEqual([
      'if a != b:\n    pass\n',
    ])
  })

  test('boolean operators swap in both languages', () => {
    expect(mutants('ok = a && !b\n', 'js', ['boolean-operator'])).toEqual(['ok = a || !b\n'])
    expect(mutants('ok = a and not b\n', 'python', ['boolean-operator'])).toEqual(['ok = a or not b\n'])
  })

  test('dropped null checks remove the whole guard, and only guards', () => {
    const js = [
      'function find(id) {',
      '  if (id == null) return undefined',
      '  if (id === undefined) {',
      '    throw new Error("no id")',
      '  }',
      '  if (id == null) log(id); else other()',
      '  if (ready) return 1',
      '  return db[id]',
      '}',
    ].join('\n')
    const found = mutations(js, 'js', ['dropped-null-check'])
    expect(found.map(describeMutation)).toEqual([
      'dropped null check: the guard `if (id == null) return undefined` was removed in find()',
      'dropped null check: the guard `if (id === undefined) { throw new Error("no id") }` was removed in find()',
    ])
    const applied = applyMutations(js, [found[1]!])
    expect(applied.text).not.toContain('throw')
    expect(applied.lines).toEqual([[3, 3]])
    expect(applied.text.split('\n')[2]).toBe('  if (id == null) log(id); else other()')

    const py = 'def find(uid):\n    if uid is None:\n        return None\n    return db[uid]\n'
    expect(mutants(py, 'python', ['dropped-null-check'])).toEqual(['def find(uid):\n    return db[uid]\n'])
    expect(
      mutants('def f(x):\n    if x is None: raise ValueError()\n    return x\n', 'python', [
        'dropped-null-check',
      ]),
    ).toEqual(['def f(x):\n    return x\n'])
  })

  test('swapped arguments skip definitions, and never move spreads or keyword arguments', () => {
    const js =
      'function clamp(v, lo) { return 1 }\nclass A { m(a, b) { return 2 } }\nconst y = clamp(v, lo, ...rest)\n'
    expect(mutants(js, 'js', ['swapped-arguments'])).toEqual([
      'function clamp(v, lo) { return 1 }\nclass A { m(a, b) { return 2 } }\nconst y = clamp(lo, v, ...rest)\n',
    ])
    expect(
      mutants('def f(a, b):\n    return g(a, b, key=1) + h(a.x, b[0])\n', 'python', ['swapped-arguments']),
    ).toEqual([
      'def f(a, b):\n    return g(b, a, key=1) + h(a.x, b[0])\n',
      'def f(a, b):\n    return g(a, b, key=1) + h(b[0], a.x)\n',
    ])
  })

  test('describes the change with the enclosing function and collects keywords', () => {
    const source =
      'export const paginate = (items, page) => {\n  return items.slice(0, page < 1 ? 0 : page)\n}\n'
    const [m] = mutations(source, 'js', ['off-by-one'])
    expect(describeMutation(m!)).toBe('off-by-one: `<` became `<=` in paginate()')
    expect(m!.keywords).toEqual(['paginate', 'items', 'slice', 'page'])
  })
})
