import { describe, expect, it } from 'vitest'
import { createRedactor, createStreamRedactor, redactSecrets, type Secret, secretsFromEnv } from './redact.ts'

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

describe('createStreamRedactor', () => {
  const secrets = [KEY, TOKEN, { name: 'EMOJI_SECRET', value: 'π-🎉-secret' }]
  const text = `start ${KEY.value}${TOKEN.value} mid 🎉 π-🎉-secret end ${KEY.value}`
  const expected = redactSecrets(text, secrets)

  it('gives the same result as whole-text redaction for every split into two string chunks', () => {
    expect(expected).not.toContain('sk-ant')
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

  it('holds back no more than the longest secret minus one character', () => {
    const stream = createStreamRedactor([KEY])
    const out = stream.push('x'.repeat(100))
    expect(out.length).toBe(100 - (KEY.value.length - 1))
    expect(stream.end()).toBe('x'.repeat(KEY.value.length - 1))
  })

  it('passes text straight through when there are no secrets', () => {
    const stream = createStreamRedactor(['short'])
    expect(stream.push('abc')).toBe('abc')
    expect(stream.end()).toBe('')
  })
})
