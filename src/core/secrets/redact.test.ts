import { describe, expect, it } from 'vitest'
import { createRedactor, createStreamRedactor, redactSecrets, type Secret, secretsFromEnv } from './redact.ts'

const PEM = [
  '-----BEGIN RSA PRIVATE KEY-----',
  'Proc-Type: 4,ENCRYPTED',
  'DEK-Info: AES-128-CBC,0123456789ABCDEF',
  '',
  `MIIEowIBAAKCAQEAr1Vh3R2${'abcDEF0123456789+/'.repeat(20)}`,
  'x9Y2Zq1w==',
  '-----END RSA PRIVATE KEY-----',
].join('\n')

const KEY: Secret = { name: 'ANTHROPIC_API_KEY', value: 'sk-ant-api03-AbCdEf0123456789' }
const TOKEN: Secret = { name: 'GH_TOKEN', value: 'ghp_zzzz+1234(5678)' }

describe('redactSecrets', () => {
  it('replaces every occurrence with the variable name', () => {
    const text = `key=${KEY.value} again ${KEY.value}; token ${TOKEN.value}.`
    expect(redactSecrets(text, [KEY, TOKEN])).toBe(
      'key=[REDACTED:ANTHROPIC_API_KEY] again [REDACTED:ANTHROPIC_API_KEY]; token [REDACTED:GH_TOKEN].',
    )
  })

  it('handles bare strings, ignores values shorter than 8 characters', () => {
    expect(redactSecrets('pw hunter22 and abc1234', ['hunter22', 'abc1234'])).toBe(
      'pw [REDACTED] and abc1234',
    )
  })

  it('replaces a secret that contains another secret whole', () => {
    const short = { name: 'SHORT', value: 'abcdefgh' }
    const long = { name: 'LONG', value: 'abcdefgh-and-more' }
    expect(redactSecrets('x abcdefgh-and-more abcdefgh', [short, long])).toBe(
      'x [REDACTED:LONG] [REDACTED:SHORT]',
    )
  })

  it('replaces the start of a secret that a snippet cut off before `...` or `…`', () => {
    expect(redactSecrets(`got "key=${KEY.value.slice(0, 12)}..."`, [KEY])).toBe(
      'got "key=[REDACTED:ANTHROPIC_API_KEY]..."',
    )
    expect(redactSecrets(`${KEY.value.slice(0, 5)}… and abc... and sk-...`, [KEY])).toBe(
      '[REDACTED:ANTHROPIC_API_KEY]… and abc... and sk-...',
    )
  })

  it('also catches the JSON-escaped form of a value', () => {
    const secret = { name: 'DB_PASSWORD', value: 'pa"ss\\word\nline2' }
    const json = JSON.stringify({ env: secret.value })
    expect(redactSecrets(json, [secret])).toBe('{"env":"[REDACTED:DB_PASSWORD]"}')
  })
})

describe('secretsFromEnv / createRedactor', () => {
  const env = {
    OPENAI_API_KEY: 'sk-proj-0123456789',
    MY_SECRET: 'short',
    DB_PASSWORD: 'correct-horse',
    PLAIN: 'not-a-secret-but-long',
    CUSTOM_VALUE: 'custom-value-123',
    PATH: '/usr/bin:/bin',
  }

  it('picks secret-looking names plus the given names, skipping short values', () => {
    expect(secretsFromEnv(['CUSTOM_VALUE'], env).map((s) => s.name)).toEqual([
      'OPENAI_API_KEY',
      'DB_PASSWORD',
      'CUSTOM_VALUE',
    ])
    expect(secretsFromEnv(/^CUSTOM_/, env).map((s) => s.name)).toEqual([
      'OPENAI_API_KEY',
      'DB_PASSWORD',
      'CUSTOM_VALUE',
    ])
    expect(secretsFromEnv([], env).map((s) => s.name)).toEqual(['OPENAI_API_KEY', 'DB_PASSWORD'])
  })

  it('adds the names listed in EVALBOX_SECRETS', () => {
    const names = secretsFromEnv([], { ...env, EVALBOX_SECRETS: 'PLAIN, CUSTOM_VALUE' }).map((s) => s.name)
    expect(names).toEqual(['OPENAI_API_KEY', 'DB_PASSWORD', 'PLAIN', 'CUSTOM_VALUE'])
  })

  it('redacts whole texts and streams', () => {
    const redactor = createRedactor(['PLAIN'], env)
    expect(redactor.redact('a sk-proj-0123456789 b not-a-secret-but-long')).toBe(
      'a [REDACTED:OPENAI_API_KEY] b [REDACTED:PLAIN]',
    )
    const stream = redactor.stream()
    expect(stream.push('pass=correct-ho') + stream.push('rse!') + stream.end()).toBe(
      'pass=[REDACTED:DB_PASSWORD]!',
    )
  })
})

describe('key shapes', () => {
  const cases: [string, string][] = [
    ['anthropic-key', 'sk-ant-api03-Zx9_Yw8-Vv7Uu6Tt5Ss4Rr3Qq2'],
    ['openai-key', 'sk-proj-4fGh7JkL9mNp2QrS5tUv8WxY'],
    ['github-token', `ghp_${'A1b2C3d4E5'.repeat(4)}`],
    ['github-token', `github_pat_11ABCDEFG0${'x'.repeat(40)}`],
    ['aws-access-key', 'AKIAIOSFODNN7EXAMPLE'],
    ['slack-token', 'xoxb-1234567890-0987654321-AbCdEf'],
    ['google-api-key', `AIza${'B'.repeat(35)}`],
    ['jwt', 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U'],
    ['private-key', PEM],
  ]
  it.each(cases)('redacts a %s that is in no variable', (name, key) => {
    expect(redactSecrets(`before ${key} after`, [])).toBe(`before [REDACTED:${name}] after`)
  })

  it('redacts the password of a URL and keeps the rest', () => {
    expect(redactSecrets('git clone https://x-access-token:abc123def@github.com/o/r', [])).toBe(
      'git clone https://x-access-token:[REDACTED:url-password]@github.com/o/r',
    )
  })

  it('names a key after its variable when it is also in the environment', () => {
    expect(redactSecrets(`k=${KEY.value}`, [KEY])).toBe('k=[REDACTED:ANTHROPIC_API_KEY]')
  })

  it('leaves ordinary text alone', () => {
    const text = [
      'task-management-system-for-everyone and ask-me-anything-please-now',
      'commit 3f2c1e9b8a7d6c5b4a3f2e1d0c9b8a7f6e5d4c3b, uuid 123e4567-e89b-12d3-a456-426614174000',
      'https://example.com/path?q=1 and user@example.com, mailto:someone@example.org',
      'AKIAIOSFODNN7EXAMPLEXX is too long for an access key; sk-short',
      '-----BEGIN PUBLIC KEY----- MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA -----END PUBLIC KEY-----',
    ].join('\n')
    expect(redactSecrets(text, [])).toBe(text)
  })

  it('keeps JSON parseable: a PEM inside a JSON string is replaced inside the string', () => {
    const json = JSON.stringify({ key: PEM, n: 1 })
    expect(JSON.parse(redactSecrets(json, []))).toEqual({ key: '[REDACTED:private-key]', n: 1 })
  })

  it('finds the first secret by name', () => {
    const redactor = createRedactor([], { ANTHROPIC_API_KEY: KEY.value })
    expect(redactor.find(`x ${KEY.value}`)).toBe('ANTHROPIC_API_KEY')
    expect(redactor.find(`x ghp_${'a1'.repeat(20)}`)).toBe('github-token')
    expect(redactor.find('nothing here')).toBeUndefined()
  })
})

describe('createStreamRedactor', () => {
  const secrets = [KEY, TOKEN, { name: 'EMOJI_SECRET', value: 'π-🎉-secret' }]
  const text = `start ${KEY.value}${TOKEN.value} mid 🎉 π-🎉-secret end ${KEY.value} ${PEM}\nhttps://u:pw12345@h ok ${'z'.repeat(300)} ghp_${'Q1'.repeat(20)} xsk-ant-${'c'.repeat(30)} -sk-ant-${'d'.repeat(30)}`
  const expected = redactSecrets(text, secrets)

  it('gives the same result as whole-text redaction for every split into two string chunks', () => {
    expect(expected).not.toContain(KEY.value)
    expect(expected).toContain('xsk-ant-c')
    expect(expected).not.toContain('-sk-ant-d')
    for (let i = 0; i <= text.length; i++) {
      const stream = createStreamRedactor(secrets)
      const out = stream.push(text.slice(0, i)) + stream.push(text.slice(i)) + stream.end()
      if (out !== expected) expect.fail(`split at ${i}: ${out}`)
    }
  })

  it('gives the same result when fed byte by byte, and never emits half a character', () => {
    const stream = createStreamRedactor(secrets)
    const pieces: string[] = []
    for (const byte of Buffer.from(text)) pieces.push(stream.push(Uint8Array.of(byte)))
    pieces.push(stream.end())
    expect(pieces.join('')).toBe(expected)
    for (const piece of pieces) expect(Buffer.from(piece, 'utf8').toString('utf8')).toBe(piece)
  })

  it('holds back 256 characters, or the longest secret when it is longer', () => {
    const stream = createStreamRedactor([KEY])
    expect(stream.push('x'.repeat(1000))).toBe('')
    expect(stream.push('x'.repeat(9000)).length).toBe(10_000 - 256)
    expect(stream.end()).toBe('x'.repeat(256))
    const long = { name: 'LONG_SECRET', value: 'y'.repeat(400) }
    const second = createStreamRedactor([long])
    expect(second.push('x'.repeat(10_000)).length).toBe(10_000 - 400)
  })

  it('holds a match that may still grow, and lets go of one that grows past 64 KiB', () => {
    const stream = createStreamRedactor([])
    const first = stream.push(`key sk-ant-${'a'.repeat(3000)}`)
    expect(first).toBe('key ')
    const rest = stream.push('b'.repeat(70_000))
    expect(rest).toBe('[REDACTED:anthropic-key]')
    expect(stream.push(' done') + stream.end()).toBe(' done')
  })
})
