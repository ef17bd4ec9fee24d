/** Planted-bug case generation: mutation operators over a clean fixture, kept when its tests catch them. */
export { describeMutation, type Mutation, OPERATORS, type OperatorName } from './operators.ts'
export { type PlantBugsOptions, type PlantedCase, plantBugs } from './plant-bugs.ts'
export { type Language, type Token, tokenize } from './tokenize.ts'
