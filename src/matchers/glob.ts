const cache = new Map<string, RegExp>()

function escapeChar(ch: string): string {
  return /[\\^$.*+?()[\]{}|/]/.test(ch) ? `\\${ch}` : ch
}

/**
 * A glob as a regular expression over `/`-separated relative paths: `*` and `?` stay within
 * one path segment, `**` spans segments (`src/**` matches everything under `src/`, and
 * `**\/x.js` matches `x.js` at any depth), `{a,b}` is a choice, `[abc]` a class. A pattern
 * ending in `/` means everything under that folder.
 */
export function globToRegExp(pattern: string): RegExp {
  const known = cache.get(pattern)
  if (known) return known
  const glob = pattern.replace(/^\.\//, '').replace(/\/$/, '/**')
  let re = ''
  let braces = 0
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i]!
    if (ch === '*' && glob[i + 1] === '*') {
      const slashAfter = glob[i + 2] === '/'
      const atStart = i === 0 || glob[i - 1] === '/'
      if (atStart && slashAfter) {
        re += '(?:[^/]*/)*'
        i += 2
      } else {
        re += '.*'
        i += 1
      }
    } else if (ch === '*') re += '[^/]*'
    else if (ch === '?') re += '[^/]'
    else if (ch === '[') {
      const close = glob.indexOf(']', i + 1)
      if (close === -1) re += '\\['
      else {
        const body = glob
          .slice(i + 1, close)
          .replace(/^!/, '^')
          .replace(/\\/g, '\\\\')
        re += `[${body}]`
        i = close
      }
    } else if (ch === '{') {
      braces++
      re += '(?:'
    } else if (ch === '}' && braces > 0) {
      braces--
      re += ')'
    } else if (ch === ',' && braces > 0) re += '|'
    else re += escapeChar(ch)
  }
  const regex = new RegExp(`^${re}$`)
  cache.set(pattern, regex)
  return regex
}

/** True when the relative path matches the glob (see `globToRegExp`). */
export function matchesGlob(path: string, pattern: string): boolean {
  return globToRegExp(pattern).test(path.replace(/\\/g, '/').replace(/^\.\//, ''))
}
