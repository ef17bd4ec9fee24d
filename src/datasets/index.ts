/**
 * evalbox/datasets — cases generated rather than written: `plantBugs()` plants mutation bugs
 * in a clean fixture and keeps the ones its tests catch, each with its answer key.
 */
export { describeMutation, OPERATORS } from './plant/operators.ts'
export { type PlantBugsOptions, plantBugs } from './plant/plant-bugs.ts'
export type { Mutation, OperatorName, PlantedCase } from './plant/types.ts'
