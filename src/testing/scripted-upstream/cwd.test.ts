import { describe, expect, test } from 'vitest'
import { cwdFromText } from './cwd.ts'

describe('cwdFromText', () => {
  test('reads the working directory as the CLIs phrase it', () => {
    // Claude Code's <env> block, Qwen Code's context message, and looser phrasings.
    expect(
      cwdFromText('<env>\nWorking directory: /tmp/evalbox-x/workspace\nIs directory a git repo: No'),
    ).toBe('/tmp/evalbox-x/workspace')
    expect(
      cwdFromText("My operating system is: linux\nI'm currently working in the directory: /w/case\nHere"),
    ).toBe('/w/case')
    expect(cwdFromText('The current working directory is `/srv/app`.')).toBe('/srv/app')
    expect(cwdFromText('cwd: /a/b.')).toBe('/a/b')
    expect(cwdFromText('no directory here, only relative ./src')).toBeUndefined()
  })
})
