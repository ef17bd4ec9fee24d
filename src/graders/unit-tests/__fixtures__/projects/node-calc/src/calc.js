export const add = (a, b) => a + b

// Both of these have a bug for the agent to fix.
export const sub = (a, b) => a + b
export const mul = (a, b) => a + b
