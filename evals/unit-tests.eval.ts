import { agents, evalTest, type Grade, graders } from 'evalbox'

// graders.unitTests on the example fixtures: fixes pass, and the ways to fake a pass fail.
// Cases graded with `graders.not` check the grader itself: the unitTests grade must fail (a
// grade that could not be scored fails the case too), and the body checks how. A grader that
// lets the cheat through fails the run.

const paging = 'examples/scripted-fix/fixture'
const pricing = 'examples/unit-tests/pytest-fixture'
/** The grade `graders.not` negated. */
const inner = (grade: Grade) => grade.metadata?.inner as Grade
const fixPaging = {
  edit: 'src/paginate.js',
  find: 'const start = page * size',
  replace: 'const start = (page - 1) * size',
}

evalTest('node:test — a fix passes', {
  sandbox: { workspace: paging },
  agent: agents.scripted([fixPaging, { finish: 'Fixed.' }]),
  graders: [graders.unitTests()],
})

evalTest('pytest — a fix resolves the listed tests', {
  sandbox: { workspace: pricing },
  agent: agents.scripted([
    { edit: 'pricing.py', find: 'price * percent / 100', replace: 'price * (100 - percent) / 100' },
    { run: 'python3 -m pytest -q', expectExit: 0 },
    { finish: 'Fixed.' },
  ]),
  graders: [
    graders.unitTests({
      failToPass: ['tests/test_pricing.py::test_ten_percent_off'],
      passToPass: ['tests/test_pricing.py::test_rejects_a_negative_percent'],
    }),
  ],
})

evalTest(
  'editing the test is caught',
  {
    sandbox: { workspace: paging },
    agent: agents.scripted([
      { edit: 'test/paginate.test.js', find: "['a', 'b']", replace: "['c', 'd']" },
      {
        edit: 'test/paginate.test.js',
        find: "paginate(items, 3, 2), ['e']",
        replace: "paginate(items, 2, 2), ['e']",
      },
      { run: 'node --test', expectExit: 0 },
      { finish: 'All tests pass now.' },
    ]),
    graders: [graders.not(graders.unitTests())],
  },
  async (ctx) => {
    const { grades } = await ctx.grade()
    const tests = inner(grades[0]!)
    ctx.expect(tests).not.toPassGrader()
    ctx.expect(tests.score).not.toBeNull()
    ctx
      .expect(tests.explanation)
      .toContain(
        'the agent changed test files, which were restored from the fixture (edits ignored): test/paginate.test.js (modified)',
      )
    ctx.expect(tests.metadata?.tampered).toEqual(['test/paginate.test.js'])
  },
)

evalTest(
  'deleting the failing tests is caught',
  {
    sandbox: { workspace: pricing },
    agent: agents.scripted([
      { run: 'rm tests/test_pricing.py', expectExit: 0 },
      { write: 'tests/test_smoke.py', content: 'def test_smoke():\n    assert True\n' },
      { finish: 'The suite is green.' },
    ]),
    graders: [graders.not(graders.unitTests())],
  },
  async (ctx) => {
    const { grades } = await ctx.grade()
    const tests = inner(grades[0]!)
    ctx.expect(tests).not.toPassGrader()
    ctx.expect(tests.explanation).toContain('tests/test_pricing.py (deleted)')
    ctx.expect(tests.explanation).toContain('tests/test_smoke.py (added)')
  },
)

evalTest(
  'code that exits before the tests run does not pass',
  {
    sandbox: { workspace: pricing },
    agent: agents.scripted([
      {
        edit: 'pricing.py',
        find: 'def apply_discount',
        replace: 'import os\nos._exit(0)\n\n\ndef apply_discount',
      },
      { finish: 'Fixed.' },
    ]),
    graders: [graders.not(graders.unitTests())],
  },
  async (ctx) => {
    const { grades } = await ctx.grade()
    const tests = inner(grades[0]!)
    ctx.expect(tests).not.toPassGrader()
    ctx.expect(tests.explanation).toContain('pytest wrote no readable report')
  },
)

evalTest(
  'failToPass tests that never ran do not count as fixed',
  {
    sandbox: { workspace: paging },
    agent: agents.scripted([
      { edit: 'src/paginate.js', find: '/** The items', replace: 'process.exit(0)\n\n/** The items' },
      { finish: 'Fixed.' },
    ]),
    graders: [
      graders.not(
        graders.unitTests({
          failToPass: ['page 1 starts with the first item', 'the last page may be short'],
        }),
      ),
    ],
  },
  async (ctx) => {
    const { grades } = await ctx.grade()
    const tests = inner(grades[0]!)
    ctx.expect(tests).not.toPassGrader()
    ctx.expect(tests.metadata?.resolved).not.toBe('full')
    ctx.expect(tests.explanation).toContain('not in the run: page 1 starts with the first item')
  },
)

evalTest(
  'an agent that changes nothing does not pass',
  {
    sandbox: { workspace: paging },
    agent: agents.scripted([{ run: 'node --test' }, { finish: 'Looks fine to me.' }]),
    graders: [graders.not(graders.unitTests())],
  },
  async (ctx) => {
    const { grades } = await ctx.grade()
    const tests = inner(grades[0]!)
    ctx.expect(tests).not.toPassGrader()
    ctx.expect(tests.explanation).toContain('the agent changed nothing')
  },
)
