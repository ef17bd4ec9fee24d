/**
 * Compiles a glob over `/`-separated relative paths: `**` spans any number of folders
 * (none included, so `tests/**` also matches `tests` itself), `*` and `?` stay within one
 * name, `{a,b}` is either. A glob without `/` matches at the workspace root only.
 */
export function globToRegExp(glob: string): RegExp {
  let source = ''
  const segments = glob.replace(/^\.\//, '').split('/')
  segments.forEach((segment, i) => {
    const last = i === segments.length - 1
    if (segment === '**') {
      // `a/**/b` and `**/b`: zero or more folders; a trailing `/**`: the folder or anything in it.
      source += last ? (i === 0 ? '.*' : '(?:/.*)?') : i === 0 ? '(?:.*/)?' : '/(?:.*/)?'
      return
    }
    if (i > 0 && segments[i - 1] !== '**') source += '/'
    source += segmentSource(segment)
  })
  return new RegExp(`^${source}$`)
}

function segmentSource(segment: string): string {
  let source = ''
  let inBraces = false
  for (const char of segment) {
    if (char === '*') source += '[^/]*'
    else if (char === '?') source += '[^/]'
    else if (char === '{') {
      inBraces = true
      source += '(?:'
    } else if (char === '}' && inBraces) {
      inBraces = false
      source += ')'
    } else if (char === ',' && inBraces) source += '|'
    else source += char.replace(/[\\^$.+()|[\]{}]/g, '\\$&')
  }
  return source
}

/** A matcher for any of the globs. */
export function globMatcher(globs: readonly string[]): (path: string) => boolean {
  const patterns = globs.map(globToRegExp)
  return (path) => patterns.some((pattern) => pattern.test(path))
}
