// Prints the line CI reads, "N passed, N failed", from Vitest's JSON report.
import { readFileSync } from 'node:fs'

const [file, status] = process.argv.slice(2)
let passed = 0
let failed = 0
try {
  const report = JSON.parse(readFileSync(file, 'utf8'))
  passed = report.numPassedTests ?? 0
  failed = (report.numFailedTests ?? 0) + (report.numRuntimeErrorTestSuites ?? 0)
} catch {
  failed = 1
}
// A failing exit with no failed test (lint, types, a crashed file) still counts as a failure.
if (Number(status) !== 0 && failed === 0) failed = 1
console.log(`${passed} passed, ${failed} failed`)
