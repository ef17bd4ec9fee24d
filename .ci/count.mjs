// Prints the line CI reads, "N passed, N failed", from Vitest's JSON report.
//
//   node .ci/count.mjs <report.json> <exit status> [--label <word>]
//                      [--failures-of <report.json> <exit status>]... [--step <exit status>]...
//
// --label prefixes the line ("vitest5: N passed, N failed") for a leg whose line is not the last.
// --failures-of adds the failures (not the passes) of another leg: its tests are the same
// tests run again, so only what failed there is news for the final line.
// --step adds one failure for a step without a report (package lint) that exited non-zero.
import { readFileSync } from 'node:fs'

const args = process.argv.slice(2)
let label = ''
const legs = []
const steps = []
const positional = []
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--label') label = `${args[++i]}: `
  else if (args[i] === '--failures-of') legs.push([args[++i], args[++i]])
  else if (args[i] === '--step') steps.push(args[++i])
  else positional.push(args[i])
}
const [file, status] = positional

const main = count(file, status)
let { failed } = main
for (const [otherFile, otherStatus] of legs) failed += count(otherFile, otherStatus).failed
for (const stepStatus of steps) if (Number(stepStatus) !== 0) failed += 1
console.log(`${label}${main.passed} passed, ${failed} failed`)

function count(path, exitStatus) {
  let passed = 0
  let failed = 0
  try {
    const report = JSON.parse(readFileSync(path, 'utf8'))
    passed = report.numPassedTests ?? 0
    failed = (report.numFailedTests ?? 0) + (report.numRuntimeErrorTestSuites ?? 0)
  } catch {
    failed = 1
  }
  // A failing exit with no failed test (lint, types, a crashed file) still counts as a failure.
  if (Number(exitStatus) !== 0 && failed === 0) failed = 1
  return { passed, failed }
}
