/** Characters as the seed counts them: Unicode code points, not UTF-16 units. */
export function charCount(text: string): number {
  let count = 0
  for (const _ of text) count++
  return count
}

/** The usual rough token estimate: characters / 4, rounded up. */
export function estimateTokens(chars: number): number {
  return Math.ceil(chars / 4)
}

/** Inline text cut to a context budget. */
export interface BudgetedText {
  /** What stays in the context: all of it, or its head and tail around a cut marker. */
  readonly text: string
  readonly truncated: boolean
  /** Characters dropped from the middle. */
  readonly cutChars: number
}

/**
 * Cuts `text` to about `budgetTokens` (4 characters a token) the way agents trim oversized
 * tool output for the context window: the first half and the last half of the budget stay,
 * the middle goes. Text within the budget is returned unchanged.
 */
export function fitToBudget(text: string, budgetTokens: number): BudgetedText {
  const chars = [...text]
  const maxChars = Math.max(0, Math.floor(budgetTokens)) * 4
  if (chars.length <= maxChars) return { text, truncated: false, cutChars: 0 }
  const headChars = Math.ceil(maxChars / 2)
  const tailChars = maxChars - headChars
  const cut = chars.length - maxChars
  const head = chars.slice(0, headChars).join('')
  const tail = tailChars > 0 ? chars.slice(chars.length - tailChars).join('') : ''
  return {
    text: `${head}\n[... ${cut} characters cut to fit the context ...]\n${tail}`,
    truncated: true,
    cutChars: cut,
  }
}
