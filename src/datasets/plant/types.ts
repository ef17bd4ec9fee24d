import type { GroundTruth } from '../../graders/planted-bugs/ground-truth.ts'

// The vocabulary of bug planting, shared by the operators and the case writer.

/** The mutation operators `plantBugs` can apply. */
export type OperatorName =
  | 'off-by-one'
  | 'flipped-comparison'
  | 'dropped-null-check'
  | 'swapped-arguments'
  | 'boolean-operator'

/** One possible bug: replace `[start, end)` of a file's source with `replacement`. */
export interface Mutation {
  readonly operator: OperatorName
  readonly start: number
  readonly end: number
  readonly replacement: string
  /** What changed, e.g. "`<` became `<=`". */
  readonly change: string
  readonly functionName: string | undefined
  readonly keywords: readonly string[]
}

/** One generated case. */
export interface PlantedCase {
  readonly id: string
  /** `<out>/<id>` */
  readonly dir: string
  /** `<out>/<id>/workspace`: the fixture with the bugs planted. */
  readonly workspace: string
  readonly groundTruthPath: string
  readonly groundTruth: GroundTruth
}
