import { describe, expect, test } from 'vitest'
import { defineGrader } from '../../graders/define.ts'
import type { Grader } from '../../graders/types.ts'
import { type GraderInput, runGraders, summarizeGrades } from './grade.ts'

const input: GraderInput = {
  input: 'q',
  output: 'the answer is 42',
  value: 'the answer is 42',
  expected: undefined,
  agent: undefined,
  workspace: undefined,
  patch: undefined,
  sandbox: undefined,
  signal: new AbortController().signal,
  keep: async () => undefined,
  openSandbox: async () => {
    throw new Error('no sandbox here')
  },
}

describe('running graders', () => {
  test('a grader that throws gives an unscored grade with the error, and later graders still run', async () => {
    const boom = defineGrader('boom', () => {
      throw new Error('judge unreachable')
    })
    const fine = defineGrader('fine', ({ output }) => output.includes('42'))
    const grades = await runGraders([boom, fine], input)
    expect(grades).toEqual([
      expect.objectContaining({
        name: 'boom',
        score: null,
        pass: false,
        explanation: 'could not grade: judge unreachable',
      }),
      expect.objectContaining({ name: 'fine', score: 1, pass: true }),
    ])
  })

  test('a grader returning something that is not a grade is unscored', async () => {
    const odd = Object.assign(async () => 'yes', { graderName: 'odd' }) as unknown as Grader
    const [grade] = await runGraders([odd], input)
    expect(grade).toMatchObject({ name: 'odd', score: null, pass: false })
    expect(grade!.explanation).toContain('not a grade')
  })

  test('a grader asking for a missing sandbox is unscored, not a crash', async () => {
    const needs = defineGrader('needs', ({ sandbox }) => sandbox.workdir.length > 0)
    const [grade] = await runGraders([needs], input)
    expect(grade).toMatchObject({ score: null, pass: false })
    expect(grade!.explanation).toContain('needs a sandbox')
  })
})

describe('the case verdict', () => {
  const g = (score: number | null, pass: boolean) => ({ name: 'g', score, pass, explanation: '' })

  test('without a threshold every grade must pass', () => {
    expect(summarizeGrades([g(1, true), g(0.5, true)], undefined)).toMatchObject({ pass: true, score: 0.75 })
    expect(summarizeGrades([g(1, true), g(0.9, false)], undefined).pass).toBe(false)
  })

  test('with a threshold the mean decides, but an unscored grade never passes', () => {
    expect(summarizeGrades([g(1, true), g(0.5, false)], 0.7)).toMatchObject({ pass: true, score: 0.75 })
    expect(summarizeGrades([g(1, true), g(0.2, false)], 0.7).pass).toBe(false)
    expect(summarizeGrades([g(1, true), g(null, false)], 0.5)).toMatchObject({ pass: false, score: null })
  })

  test('no scored grade gives a null score', () => {
    expect(summarizeGrades([g(null, false)], undefined)).toMatchObject({ pass: false, score: null })
  })
})
