import { describeEval, evalTest, graders } from 'evalbox'
import { slugify } from '../src/slugify.ts'

describeEval('slugify', {
  data: [
    { input: 'Hello, World', expected: 'hello-world' },
    { input: 'Crème brûlée recipes', expected: 'creme-brulee-recipes' },
    { input: '  spaces   everywhere  ', expected: 'spaces-everywhere' },
  ],
  task: (title) => slugify(title as string),
  graders: [graders.equals(), graders.matches(/^[a-z0-9-]+$/)],
})

evalTest('an agent writes a file the checks accept', {
  sandbox: 'local',
  agent: async ({ sandbox }) => {
    await sandbox.writeFile('slug.txt', slugify('Release Notes 2026'))
    return (await sandbox.readFile('slug.txt')).toString()
  },
  graders: [graders.equals('release-notes-2026'), graders.command('test -s slug.txt')],
})
