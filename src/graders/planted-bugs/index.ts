/** The planted-bug grader: ground truth, review parsing, matching and the judge-model mode. */
export { type Finding, type FindingLocation, type LineRange, parseFindings } from './findings.ts'
export {
  type GroundTruth,
  type GroundTruthInput,
  loadGroundTruth,
  type PlantedBug,
  parseGroundTruth,
} from './ground-truth.ts'
export { judgePassed } from './llm-verdict.ts'
export {
  type EvidenceLevel,
  type MatchOptions,
  type MatchVerdict,
  matchFindings,
  overallEvidence,
} from './match.ts'
export { type GroundTruthOption, type PlantedBugsOptions, plantedBugs } from './planted-bugs.ts'
export type { ReportSource } from './report-source.ts'
