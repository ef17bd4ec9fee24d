/** One line of an ignore file, compiled. */
interface Rule {
  /** Folder of the ignore file, relative to the workdir (`''` at the top). */
  base: string
  negate: boolean
  /** A pattern ending in `/`: matches folders only. */
  folder: boolean
  pattern: RegExp
}

/**
 * Git's ignore rules (`.gitignore` files and `.git/info/exclude`), evaluated by evalbox on
 * the host: the harvest reads them once, from the fixture as the baseline found it, so
 * nothing the agent writes later changes what is left out. Follows gitignore(5): `#`
 * comments, `!` negation, a trailing `/` for folders only, a `/` at the start or in the
 * middle anchors a pattern to its file's folder, `*`, `?`, `[...]` and `**`; deeper files
 * rank above shallower ones, `.git/info/exclude` below every `.gitignore`, the last match
 * wins, and nothing inside an ignored folder can be taken back.
 */
export class IgnoreRules {
  private readonly rules: Rule[] = []
  private readonly folders = new Map<string, boolean>()

  /**
   * Adds the lines of one ignore file. `base` is its folder relative to the workdir; add
   * `.git/info/exclude` first, then `.gitignore` files shallow to deep.
   */
  add(base: string, text: string): void {
    for (const raw of text.split(/\r?\n/)) {
      const rule = compile(base, raw)
      if (rule) this.rules.push(rule)
    }
    this.folders.clear()
  }

  /** Whether `path` (relative to the workdir, `/`-separated) is ignored. Pure after the adds. */
  ignores(path: string, isFolder: boolean): boolean {
    if (this.rules.length === 0) return false
    const parts = path.split('/')
    for (let i = 1; i < parts.length; i++) if (this.ignoredFolder(parts.slice(0, i).join('/'))) return true
    return isFolder ? this.ignoredFolder(path) : this.match(path, false)
  }

  private ignoredFolder(path: string): boolean {
    let ignored = this.folders.get(path)
    if (ignored === undefined) {
      ignored = this.match(path, true)
      this.folders.set(path, ignored)
    }
    return ignored
  }

  private match(path: string, isFolder: boolean): boolean {
    for (let i = this.rules.length - 1; i >= 0; i--) {
      const rule = this.rules[i]!
      if (rule.folder && !isFolder) continue
      if (rule.base !== '' && !path.startsWith(`${rule.base}/`)) continue
      const rel = rule.base === '' ? path : path.slice(rule.base.length + 1)
      if (rule.pattern.test(rel)) return !rule.negate
    }
    return false
  }
}

function compile(base: string, raw: string): Rule | undefined {
  // Trailing spaces go unless escaped with a backslash.
  let line = raw.replace(/(?<!\\)[ \t]+$/, '')
  if (line === '' || line.startsWith('#')) return undefined
  const negate = line.startsWith('!')
  if (negate) line = line.slice(1)
  const folder = line.endsWith('/') && !line.endsWith('\\/')
  if (folder) line = line.replace(/\/+$/, '')
  if (line === '') return undefined
  const anchored = line.includes('/')
  if (line.startsWith('/')) line = line.slice(1)
  const body = globSource(line)
  return { base, negate, folder, pattern: new RegExp(anchored ? `^${body}$` : `^(?:.*/)?${body}$`) }
}

/** The regular expression source of a gitignore glob (relative to its base). */
function globSource(glob: string): string {
  let out = ''
  for (let i = 0; i < glob.length; i++) {
    const char = glob[i]!
    if (char === '\\' && i + 1 < glob.length) out += escapeRegExp(glob[++i]!)
    else if (char === '*' && glob[i + 1] === '*') {
      const atStart = i === 0 || glob[i - 1] === '/'
      const atEnd = i + 2 === glob.length
      if (atStart && glob[i + 2] === '/') {
        out += '(?:[^/]*/)*' // `**/`: any number of folders, none included
        i += 2
      } else if (atStart && atEnd) {
        out += '.*' // a trailing `/**`: everything inside
        i += 1
      } else {
        out += '[^/]*' // `**` elsewhere is a plain `*`
        i += 1
      }
    } else if (char === '*') out += '[^/]*'
    else if (char === '?') out += '[^/]'
    else if (char === '[') {
      const end = glob.indexOf(']', i + 2)
      if (end === -1) out += '\\['
      else {
        let set = glob.slice(i + 1, end)
        if (set.startsWith('!')) set = `^${set.slice(1)}`
        out += `[${set.replace(/\\/g, '\\\\')}]`
        i = end
      }
    } else out += escapeRegExp(char)
  }
  return out
}

function escapeRegExp(char: string): string {
  return /[\\^$.*+?()[\]{}|/-]/.test(char) ? `\\${char}` : char
}
