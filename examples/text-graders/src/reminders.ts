/** A reminder as the assistant understood it. */
export interface Reminder {
  task: string
  day: string
  /** 24-hour clock, `HH:MM`. */
  time: string
}

const PATTERN = /remind me to (.+?) (today|tomorrow|on \w+) at (\d{1,2})(?::(\d{2}))?\s*(am|pm)?$/i

/**
 * Reads "remind me to <task> <day> at <time>". A deterministic stand-in for the LLM call a
 * real assistant would make, so the example runs offline and always gives the same answers.
 */
export function parseReminder(request: string): Reminder | null {
  const match = PATTERN.exec(request.trim())
  if (!match) return null
  const [, task, day, hours, minutes = '00', half] = match
  let hour = Number(hours)
  if (half?.toLowerCase() === 'pm' && hour < 12) hour += 12
  if (half?.toLowerCase() === 'am' && hour === 12) hour = 0
  return { task: task!, day: day!.toLowerCase(), time: `${String(hour).padStart(2, '0')}:${minutes}` }
}

/** The sentence the assistant answers with. */
export function confirm(request: string): string {
  const reminder = parseReminder(request)
  if (!reminder) return "Sorry, I didn't catch when to remind you."
  return `OK, I'll remind you to ${reminder.task} ${reminder.day} at ${reminder.time}.`
}
