import { agents, evalTest, graders } from 'evalbox'

// Each fixture has a bug its own tests catch. A scripted agent fixes it; `unitTests` runs the
// fixture's tests on the agent's patch in a fresh sandbox, with the test files restored from
// the fixture, so only the source change counts.

evalTest('node:test — fixes mean()', {
  sandbox: { workspace: 'node-fixture' },
  prompt: 'mean() in src/stats.js returns wrong values. Fix it; the tests in test/ must pass.',
  agent: agents.scripted([
    { run: 'node --test' },
    { edit: 'src/stats.js', find: 'sum / (values.length - 1)', replace: 'sum / values.length' },
    { run: 'node --test', expectExit: 0 },
    { finish: 'mean() divided by one less than the number of values; it divides by the count now.' },
  ]),
  // The framework is detected from package.json (`node --test`), and so is the command.
  graders: [graders.unitTests()],
})

evalTest('pytest — fixes apply_discount()', {
  sandbox: { workspace: 'pytest-fixture' },
  prompt: 'apply_discount() in pricing.py returns the discount instead of the discounted price. Fix it.',
  agent: agents.scripted([
    { run: 'python3 -m pytest -q' },
    { edit: 'pricing.py', find: 'price * percent / 100', replace: 'price * (100 - percent) / 100' },
    { run: 'python3 -m pytest -q', expectExit: 0 },
    { finish: 'apply_discount() now returns the price with the discount taken off.' },
  ]),
  graders: [
    // SWE-bench style: the fix must make these tests pass and keep this one passing.
    graders.unitTests({
      failToPass: [
        'tests/test_pricing.py::test_ten_percent_off',
        'tests/test_pricing.py::test_no_discount_keeps_the_price',
      ],
      passToPass: ['tests/test_pricing.py::test_rejects_a_negative_percent'],
    }),
  ],
})
