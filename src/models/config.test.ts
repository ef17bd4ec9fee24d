import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { resolveModelConfig } from './config.ts'

describe('resolveModelConfig', () => {
  it('uses defaults when nothing is set', () => {
    const config = resolveModelConfig({ env: {}, cwd: '/proj' })
    expect(config).toMatchObject({
      provider: 'anthropic',
      model: 'claude-haiku-5-5',
      baseUrl: 'https://api.anthropic.com',
      apiKey: undefined,
      maxTokens: 4096,
      cache: true,
      cacheDir: join('/proj', 'node_modules/.cache/evalbox/models'),
      retry: { maxAttempts: 4, baseDelayMs: 500, maxDelayMs: 30_000, maxRetryAfterMs: 60_000 },
    })
  })

  it('reads the environment, and options win over it', () => {
    const env = {
      EVALBOX_MODEL_PROVIDER: 'openai',
      EVALBOX_JUDGE_MODEL: 'gpt-4.1-mini',
      EVALBOX_MODEL_BASE_URL: 'http://127.0.0.1:8000/v1/',
      OPENAI_API_KEY: 'sk-openai-key-123',
      EVALBOX_NO_CACHE: '1',
      EVALBOX_CACHE_DIR: '/cache',
    }
    expect(resolveModelConfig({ env })).toMatchObject({
      provider: 'openai',
      model: 'gpt-4.1-mini',
      baseUrl: 'http://127.0.0.1:8000',
      apiKey: 'sk-openai-key-123',
      apiKeySource: 'OPENAI_API_KEY',
      cache: false,
      cacheDir: join('/cache', 'models'),
    })
    expect(
      resolveModelConfig({
        env,
        provider: 'anthropic',
        model: 'claude-sonnet-4-6',
        cache: true,
        apiKey: 'sk-given-key',
      }),
    ).toMatchObject({
      provider: 'anthropic',
      model: 'claude-sonnet-4-6',
      cache: true,
      apiKeySource: 'the apiKey option',
    })
    expect(resolveModelConfig({ env: { ...env, EVALBOX_MODEL_API_KEY: 'sk-evalbox-key' } }).apiKey).toBe(
      'sk-evalbox-key',
    )
  })

  it('infers the provider from the model name, then from the key present', () => {
    expect(resolveModelConfig({ env: { EVALBOX_JUDGE_MODEL: 'gpt-5-mini' } }).provider).toBe('openai')
    expect(
      resolveModelConfig({ env: { ANTHROPIC_API_KEY: 'a-key-1234', EVALBOX_JUDGE_MODEL: 'o3' } }).provider,
    ).toBe('openai')
    expect(resolveModelConfig({ env: { OPENAI_API_KEY: 'sk-123456789' } })).toMatchObject({
      provider: 'openai',
      baseUrl: 'https://api.openai.com',
      model: 'gpt-6.1-terra',
    })
  })

  it('names the bad value and the fix', () => {
    expect(() => resolveModelConfig({ env: { EVALBOX_MODEL_PROVIDER: 'gemini' } })).toThrow(
      /Expected EVALBOX_MODEL_PROVIDER to be 'anthropic' or 'openai', got `"gemini"` \(string\)/,
    )
    expect(() => resolveModelConfig({ env: {}, baseUrl: 'localhost:8080' })).toThrow(
      /http\(s\) URL, got `"localhost:8080"`/,
    )
    expect(() => resolveModelConfig({ env: {}, retry: { maxAttempts: 0 } })).toThrow(
      /`retry.maxAttempts` to be a positive integer, got `0`/,
    )
  })
})

describe('EVALBOX_MODEL now says how agents reach models', () => {
  it('a judge model left in EVALBOX_MODEL is refused, naming EVALBOX_JUDGE_MODEL', () => {
    expect(() => resolveModelConfig({ env: { EVALBOX_MODEL: 'gpt-4.1-mini' } })).toThrow(
      /EVALBOX_JUDGE_MODEL/,
    )
  })
  it('a mode in EVALBOX_MODEL leaves the judge model to its default', () => {
    expect(
      resolveModelConfig({ env: { EVALBOX_MODEL: 'replay', ANTHROPIC_API_KEY: 'a-key-1234' } }).model,
    ).toBe('claude-haiku-5-5')
  })
})
