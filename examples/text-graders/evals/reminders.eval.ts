import { defineGrader, describeEval, evalTest, graders } from 'evalbox'
import { z } from 'zod'
import { confirm, parseReminder } from '../src/reminders.ts'

// Text graders judge a task's output without a sandbox: each case is a function call.

// equals() compares objects deeply with the row's `expected`; jsonSchema() checks the shape
// (any Standard Schema works: zod, valibot, arktype).
describeEval('parses reminders', {
  data: [
    {
      input: 'Remind me to call Bob tomorrow at 9am',
      expected: { task: 'call Bob', day: 'tomorrow', time: '09:00' },
    },
    {
      input: 'remind me to water the plants today at 6:30 pm',
      expected: { task: 'water the plants', day: 'today', time: '18:30' },
    },
    {
      input: 'Remind me to renew the passport on Friday at 12am',
      expected: { task: 'renew the passport', day: 'on friday', time: '00:00' },
      name: 'midnight is 00:00',
    },
  ],
  task: (request) => parseReminder(request),
  graders: [
    graders.equals(),
    graders.jsonSchema(
      z.object({ task: z.string().min(1), day: z.string(), time: z.string().regex(/^\d\d:\d\d$/) }),
    ),
  ],
})

// contains() and matches() check text: every listed string must be present (here ignoring
// case), and the regex must match.
describeEval('confirms in one sentence', {
  data: [
    { input: 'Remind me to call Bob tomorrow at 9am', expected: 'call Bob' },
    { input: 'remind me to stretch today at 3 pm', expected: 'stretch' },
  ],
  task: (request) => confirm(request),
  graders: [
    graders.contains(["I'll remind you", ' at '], { ignoreCase: true }),
    graders.matches(/ at \d\d:\d\d\.$/),
    // The row's `expected` here is the task the answer must repeat back: a one-line grader.
    defineGrader('repeats the task', ({ output, expected }) => output.includes(String(expected))),
  ],
})

// equals() with an explicit value compares text with whitespace collapsed.
evalTest('says when it did not understand', {
  input: 'remind me sometime',
  task: (request) => confirm(request as string),
  graders: [graders.equals("Sorry,  I didn't catch   when to remind you.")],
})

// jsonSchema() parses text output too; the whole output may be wrapped in a ```json fence.
evalTest('answers with JSON in a fence', {
  input: 'Remind me to book flights on Monday at 10am',
  task: (request) => `\`\`\`json\n${JSON.stringify(parseReminder(request as string))}\n\`\`\``,
  graders: [graders.jsonSchema(z.object({ task: z.literal('book flights'), day: z.literal('on monday') }))],
})
