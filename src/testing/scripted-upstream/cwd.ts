/**
 * The agent's working directory, read off the text a CLI tells its model about its
 * environment (Claude Code: `Working directory: /w`; others: `current working directory
 * is /w`, Qwen Code: `I'm currently working in the directory: /w`). File tools want absolute paths, so the scripted upstream needs it.
 */
const CWD_PATTERNS = [
  /working directory(?: is)?:?\s*['"`]?(\/[^\s'"`<>]*)/i,
  /\bcwd:?\s*['"`]?(\/[^\s'"`<>]*)/i,
  /\b(?:working|currently) in (?:the )?(?:directory)?:?\s*['"`]?(\/[^\s'"`<>]*)/i,
]

/** The first absolute directory the text names as the working directory, trailing dot/colon cut. */
export function cwdFromText(text: string): string | undefined {
  for (const pattern of CWD_PATTERNS) {
    const match = pattern.exec(text)
    if (match?.[1]) return match[1].replace(/[.,:;)]+$/, '')
  }
  return undefined
}
