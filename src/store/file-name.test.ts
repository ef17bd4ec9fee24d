import { describe, expect, it } from 'vitest'
import { EvalboxError } from '../core/errors.ts'
import { fileSafe, parseRunFileName, runFileName } from './file-name.ts'

const at = new Date(Date.UTC(2026, 0, 2, 3, 4, 5))

describe('runFileName', () => {
  it('joins version, branch, tier and the UTC time', () => {
    expect(runFileName({ version: '1.2.0', branch: 'main', tier: 'e2e', timestamp: at })).toBe(
      '1.2.0-main-e2e-20260102-030405.json',
    )
  })

  it('makes every part file-safe and never empty', () => {
    const name = runFileName({ version: '', branch: 'feat/a b:c', tier: '../x', timestamp: at })
    expect(name).toBe('unknown-feat-a-b-c-x-20260102-030405.json')
    expect(name).not.toMatch(/[/\\:\s]/)
  })

  it('rejects an invalid date, naming the value', () => {
    const call = () => runFileName({ version: '1', branch: 'b', tier: 't', timestamp: new Date('nope') })
    expect(call).toThrow(EvalboxError)
    expect(call).toThrow(/`timestamp`.*valid Date/)
  })
})

describe('fileSafe', () => {
  it('drops leading dots so the file is never hidden', () => {
    expect(fileSafe('.hidden')).toBe('hidden')
    expect(fileSafe('///')).toBe('unknown')
    expect(fileSafe('v1.0.0-rc.1')).toBe('v1.0.0-rc.1')
  })
})

describe('parseRunFileName', () => {
  it('recovers the parts of a name it made', () => {
    const name = runFileName({ version: '1.2.0', branch: 'feat/x-y', tier: 'e2e', timestamp: at })
    expect(parseRunFileName(`/some/dir/${name}`)).toEqual({
      version: '1.2.0',
      branch: 'feat-x-y',
      tier: 'e2e',
      timestamp: at,
    })
  })

  it('uses hints for dashed tiers and versions', () => {
    const name = '1.0.0-rc.1-main-llm-judge-20260102-030405.json'
    expect(parseRunFileName(name)).toMatchObject({ version: '1.0.0', branch: 'rc.1-main-llm', tier: 'judge' })
    expect(parseRunFileName(name, { tier: 'llm-judge', version: '1.0.0-rc.1' })).toMatchObject({
      version: '1.0.0-rc.1',
      branch: 'main',
      tier: 'llm-judge',
    })
  })

  it('returns undefined for other names', () => {
    expect(parseRunFileName('notes.json')).toBeUndefined()
    expect(parseRunFileName('main-20260102-030405.json')).toBeUndefined()
    expect(parseRunFileName('1-main-e2e-20260102-030405.json.tmp')).toBeUndefined()
  })
})
