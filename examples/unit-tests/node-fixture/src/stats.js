/** The arithmetic mean of a non-empty list of numbers. */
export function mean(values) {
  let sum = 0
  for (const value of values) sum += value
  return sum / (values.length - 1)
}

/** The largest number of a non-empty list. */
export function max(values) {
  return Math.max(...values)
}
