import { evalTest, graders } from 'evalbox'

// An agent written as a plain function: it fixes the greeting in the workspace, and the
// fixture's own test (run in the sandbox) decides whether the fix is right.
evalTest('fixes the greeting', {
  sandbox: { workspace: 'evals/fixtures/greeting' },
  prompt: 'greet() should return "Hello, <name>!". Fix greet.js.',
  agent: async ({ sandbox }) => {
    const source = (await sandbox.readFile('greet.js')).toString()
    await sandbox.writeFile('greet.js', source.replace('Hi ', 'Hello, ').replace("'.'", "'!'"))
    return 'Changed the greeting to "Hello, <name>!".'
  },
  graders: [graders.command('node --test'), graders.contains('Hello')],
})
