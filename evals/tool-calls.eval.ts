import { agents, evalTest, type Grade, graders } from 'evalbox'

// graders.toolCalls on a scripted agent's transcript. The right calls pass; a wrong order,
// wrong parameters, missing or extra calls must fail: those cases grade with `graders.not`,
// so a grader that lets them through fails the run, and their bodies check each failing verdict.

const workspace = 'examples/tool-calls/fixture'
const careful = agents.scripted([
  { run: 'cat package.json CHANGELOG.md' },
  { edit: 'package.json', find: '"version": "1.0.0"', replace: '"version": "1.1.0"' },
  { edit: 'CHANGELOG.md', find: '# Changelog\n', replace: '# Changelog\n\n## 1.1.0\n\n- Adds `--json`.\n' },
  { finish: 'Released 1.1.0.' },
])
const readThenEdit = [
  { name: 'Bash', params: { command: 'cat package.json' } },
  { name: 'Edit', params: { file_path: 'package.json', new_string: '1.1.0' } },
] as const
/** The grade `graders.not` negated. */
const inner = (grade: Grade) => grade.metadata?.inner as Grade

evalTest('toolCalls: the expected calls pass', {
  sandbox: { workspace },
  agent: careful,
  graders: [
    graders.toolCalls([...readThenEdit, { name: 'Edit', params: { file_path: /CHANGELOG\.md$/ } }], {
      ordered: true,
    }),
    graders.toolCalls(['Bash', 'Edit', 'Edit'], { allowExtras: false, name: 'exactly these' }),
    graders.toolCalls([{ name: 'Bash', params: { command: 'cat package.json CHANGELOG.md' } }], {
      params: 'strict',
      name: 'strict params',
    }),
  ],
})

evalTest(
  'toolCalls: wrong expectations fail on the same run',
  {
    sandbox: { workspace },
    agent: careful,
    graders: [
      graders.toolCalls([...readThenEdit].reverse(), { ordered: true, name: 'reversed order' }),
      graders.toolCalls([{ name: 'Edit', params: { file_path: 'README.md' } }], { name: 'wrong file' }),
      graders.toolCalls(['Write'], { name: 'missing tool' }),
      graders.toolCalls(['Bash', 'Edit'], { allowExtras: false, name: 'no extras' }),
      graders.toolCalls([{ name: 'Bash', params: { command: 'cat package.json' } }], {
        params: 'strict',
        name: 'strict mismatch',
      }),
    ].map((grader) => graders.not(grader)),
  },
  async (ctx) => {
    const { grades } = await ctx.grade()
    const inners = grades.map(inner)
    const byName = Object.fromEntries(inners.map((grade) => [grade.name, grade]))
    for (const grade of inners) ctx.expect(grade, grade.name).not.toPassGrader()
    ctx
      .expect(byName['reversed order']!.explanation)
      .toMatch(/^matched 1\/2 expected tool calls in order; missing: /)
    ctx.expect(byName['wrong file']!.explanation).toContain('missing: Edit("file_path":"README.md")')
    ctx.expect(byName['missing tool']!.explanation).toContain('missing: Write')
    ctx.expect(byName['no extras']!.explanation).toContain('unexpected: Edit(')
    ctx.expect(byName['strict mismatch']!.explanation).toContain('matched 0/1')
  },
)

evalTest(
  'toolCalls: editing before reading fails the order',
  {
    sandbox: { workspace },
    agent: agents.scripted([
      { edit: 'package.json', find: '"version": "1.0.0"', replace: '"version": "1.1.0"' },
      { run: 'cat package.json' },
      { finish: 'Released 1.1.0.' },
    ]),
    graders: [graders.not(graders.toolCalls([...readThenEdit], { ordered: true }))],
  },
  async (ctx) => {
    const { grades } = await ctx.grade()
    const order = inner(grades[0]!)
    ctx.expect(order).not.toPassGrader()
    ctx.expect(order.score).toBe(0.5)
  },
)
