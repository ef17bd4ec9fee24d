import { agents, evalTest, type Grade, graders } from 'evalbox'

// toolCalls() reads the agent's transcript (scripted agents write a real stream-json one,
// like Claude Code's) and checks which tools it called, in what order, with which inputs.
// Scripted agents call Bash for `run`, Edit for `edit` and Write for `write` steps.

const prompt =
  'Release 1.1.0: bump the version in package.json and add a CHANGELOG entry for the --json flag.'

const careful = agents.scripted([
  { run: 'cat package.json CHANGELOG.md' },
  { edit: 'package.json', find: '"version": "1.0.0"', replace: '"version": "1.1.0"' },
  {
    edit: 'CHANGELOG.md',
    find: '# Changelog\n',
    replace: '# Changelog\n\n## 1.1.0\n\n- Adds the `--json` flag.\n',
  },
  { finish: 'Bumped to 1.1.0 and added the changelog entry.' },
])

const hasty = agents.scripted([
  { edit: 'package.json', find: '"version": "1.0.0"', replace: '"version": "1.1.0"' },
  { run: 'cat package.json' },
  { finish: 'Bumped to 1.1.0.' },
])

evalTest('reads, then edits both files', {
  sandbox: { workspace: 'fixture' },
  prompt,
  agent: careful,
  graders: [
    // In this order (other calls may come between). `params` match fuzzily by default:
    // strings as substrings (the sandbox path before package.json does not matter),
    // RegExps test the value.
    graders.toolCalls(
      [
        { name: 'Bash', params: { command: 'cat package.json' } },
        { name: 'Edit', params: { file_path: 'package.json', new_string: '1.1.0' } },
        { name: 'Edit', params: { file_path: 'CHANGELOG.md', new_string: /## 1\.1\.0/ } },
      ],
      { ordered: true, name: 'reads before it edits' },
    ),
    // Exactly these calls and no others: each extra call would cost score and fail the grade.
    graders.toolCalls(['Bash', 'Edit', 'Edit'], { allowExtras: false, name: 'no other calls' }),
    // `params: 'strict'`: the input must equal the given object exactly.
    graders.toolCalls([{ name: 'Bash', params: { command: 'cat package.json CHANGELOG.md' } }], {
      params: 'strict',
      name: 'the exact command',
    }),
  ],
})

evalTest(
  'editing before reading is caught',
  {
    sandbox: { workspace: 'fixture' },
    prompt,
    agent: hasty,
    // This case checks the grader: `graders.not` passes only when the hasty agent fails it.
    graders: [
      graders.not(
        graders.toolCalls(
          [
            { name: 'Bash', params: { command: 'cat package.json' } },
            { name: 'Edit', params: { file_path: 'package.json' } },
          ],
          { ordered: true, name: 'reads before it edits' },
        ),
      ),
    ],
  },
  async (ctx) => {
    // The body checks how it failed: `metadata.inner` holds the toolCalls grade.
    const { grades } = await ctx.grade()
    const order = grades[0]!.metadata?.inner as Grade
    ctx.expect(order).not.toPassGrader()
    ctx.expect(order.explanation).toContain('matched 1/2 expected tool calls in order')
  },
)
