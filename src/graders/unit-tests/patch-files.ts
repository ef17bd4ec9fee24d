/** A file a patch touches, and how. */
export interface PatchFile {
  path: string
  change: 'modified' | 'added' | 'deleted'
}

/**
 * The files a `git diff` (with `--no-renames`, as the harvest makes it) touches, with
 * whether each is added, deleted or modified. `files` (the harvest's list) adds any path
 * the diff text does not show. Quoted names (`"a/t\303\251st.py"`) are unquoted. Pure.
 */
export function patchFiles(diff: string, files: readonly string[] = []): PatchFile[] {
  const found = new Map<string, PatchFile>()
  let current: PatchFile | undefined
  let inHeader = false
  for (const line of diff.split('\n')) {
    if (line.startsWith('diff --git ')) {
      const path = headerPath(line.slice('diff --git '.length))
      current = path === undefined ? undefined : { path, change: 'modified' }
      if (current) found.set(current.path, current)
      inHeader = true
      continue
    }
    if (!inHeader || !current) continue
    if (/^(--- |\+\+\+ |@@ |GIT binary patch|Binary files )/.test(line)) inHeader = false
    else if (line.startsWith('new file mode')) current.change = 'added'
    else if (line.startsWith('deleted file mode')) current.change = 'deleted'
  }
  for (const path of files) if (!found.has(path)) found.set(path, { path, change: 'modified' })
  return [...found.values()].sort((a, b) => a.path.localeCompare(b.path))
}

// `a/P b/P` (same P: no renames), or `"a/P" "b/P"` when git had to quote the name.
export function headerPath(rest: string): string | undefined {
  if (rest.startsWith('"')) {
    const quoted = readQuoted(rest)
    return quoted?.startsWith('a/') ? quoted.slice(2) : undefined
  }
  if (!rest.startsWith('a/') || rest.length % 2 === 0) return undefined
  const path = rest.slice(2, (rest.length - 1) / 2)
  return rest.endsWith(` b/${path}`) ? path : undefined
}

const ESCAPES: Record<string, number> = { a: 7, b: 8, t: 9, n: 10, v: 11, f: 12, r: 13, '"': 34, '\\': 92 }

// Git's C-style quoting: backslash escapes and octal bytes of UTF-8.
function readQuoted(text: string): string | undefined {
  const bytes: number[] = []
  for (let i = 1; i < text.length; i++) {
    const char = text[i]!
    if (char === '"') return Buffer.from(bytes).toString('utf8')
    if (char !== '\\') {
      bytes.push(...Buffer.from(char, 'utf8'))
      continue
    }
    const next = text[++i] ?? ''
    const octal = /^[0-7]{3}/.exec(text.slice(i, i + 3))
    if (octal) {
      bytes.push(Number.parseInt(octal[0], 8))
      i += 2
    } else if (next in ESCAPES) bytes.push(ESCAPES[next]!)
    else bytes.push(...Buffer.from(next, 'utf8'))
  }
  return undefined
}
