/** A kind of credential recognised by its shape, wherever it comes from. */
export interface KeyShape {
  /** Shown in its place: `[REDACTED:<name>]`. */
  readonly name: string
  /** Regular expression source; no capturing groups (the redactor numbers its own). */
  readonly source: string
  /** What replaces a match (default: the label alone). */
  readonly replace?: (match: string, label: string) => string
}

/**
 * A token that starts with `first` (one character), never in the middle of a word (`task-…`
 * holds no `sk-` key). The look-behind follows the first character, so the regex engine can
 * skip ahead to candidate characters.
 */
function token(first: string, rest: string): string {
  return `${first}(?<![A-Za-z0-9]${first})${rest}`
}
// Generated keys hold a digit somewhere; kebab-case words do not.
const HAS_DIGIT = '(?=[A-Za-z_-]*[0-9])'

/**
 * Credentials recognised by shape alone, so a key that is in no environment variable (one an
 * agent found, or made up) is still redacted. Each needs at least 20 characters of key material,
 * so ordinary words and identifiers do not match.
 */
export const KEY_SHAPES: readonly KeyShape[] = [
  {
    name: 'private-key',
    // A whole PEM block; without its END line (cut off), the body up to the next `-----`.
    source:
      '-----BEGIN[A-Z0-9 ]{0,40}PRIVATE KEY-----(?:[\\s\\S]{0,16384}?-----END[A-Z0-9 ]{0,40}PRIVATE KEY-----|(?:(?!-----)[A-Za-z0-9+/=\\s\\\\:,-])*)',
  },
  { name: 'anthropic-key', source: token('s', 'k-ant-[A-Za-z0-9_-]{20,}') },
  { name: 'openai-key', source: token('s', `k-${HAS_DIGIT}[A-Za-z0-9_-]{20,}`) },
  { name: 'github-token', source: token('g', '(?:h[pousr]_[A-Za-z0-9]{30,}|ithub_pat_[A-Za-z0-9_]{30,})') },
  { name: 'aws-access-key', source: token('A', '(?:KIA|SIA)[0-9A-Z]{16}(?![0-9A-Z])') },
  { name: 'slack-token', source: token('x', 'ox[abposr]-[A-Za-z0-9-]{20,}') },
  { name: 'google-api-key', source: token('A', 'Iza[0-9A-Za-z_-]{35}') },
  { name: 'jwt', source: token('e', 'yJ[A-Za-z0-9_-]{8,}\\.eyJ[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]{8,}') },
  {
    // The password of `scheme://user:password@host`; the user name stays readable.
    name: 'url-password',
    source: '://[^/\\s:@]{1,64}:[^/\\s:@]{3,}(?=@)',
    replace: (match, label) => match.slice(0, match.lastIndexOf(':') + 1) + label,
  },
]

/**
 * How far back a stream redactor looks: every shape is recognisable from its first 256
 * characters (and a cut-off PEM block from its header).
 */
export const SHAPE_HOLD = 256
