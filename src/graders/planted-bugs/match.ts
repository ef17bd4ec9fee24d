import type { Finding, LineRange } from './findings.ts'
import type { GroundTruth, PlantedBug } from './ground-truth.ts'

/** Options of the deterministic matcher. */
export interface MatchOptions {
  /** Lines a cited line may lie outside the bug's range and still point at it. @default 2 */
  lineTolerance?: number
  /** Keywords of a bug a finding must name (with the file) to detect it without a line. @default 2 */
  minKeywords?: number
  /** Words of explanation (besides the places cited) that make evidence "explained". @default 6 */
  minExplanationWords?: number
}

/**
 * How well the review supports one bug, 0..3:
 * - 3: a finding cites the bug's file and a line in range (± tolerance) and explains it
 *   (at least `minExplanationWords` words besides the places cited);
 * - 2: a finding cites the file and a line in range, or the file and `minKeywords` keywords;
 * - 1: a finding names `minKeywords` keywords of the bug but not its file (vague: no detection);
 * - 0: nothing.
 */
export type EvidenceLevel = 0 | 1 | 2 | 3

/** The matcher's verdict on a review. */
export interface MatchVerdict {
  readonly detected: string[]
  readonly missed: string[]
  /** Findings that cite a place and match no bug, by 1-based index. */
  readonly falsePositives: number[]
  /** Evidence level of each bug, by id. */
  readonly evidence: Record<string, EvidenceLevel>
  /** Overall evidence quality, 0..3 (see `overallEvidence`). */
  readonly evidenceQuality: EvidenceLevel
  /** For each bug id, the indexes of the findings that detect it. */
  readonly foundBy: Record<string, number[]>
}

function filesMatch(cited: string, bugFile: string): boolean {
  const a = cited.toLowerCase()
  const b = bugFile.toLowerCase()
  return a === b || b.endsWith(`/${a}`) || a.endsWith(`/${b}`)
}

function near(lines: LineRange, bug: LineRange, tolerance: number): boolean {
  return lines[0] <= bug[1] + tolerance && lines[1] >= bug[0] - tolerance
}

function keywordHits(text: string, keywords: readonly string[]): number {
  const lower = text.toLowerCase()
  return keywords.filter((keyword) => {
    const k = keyword.toLowerCase()
    if (!/^\w+$/.test(k)) return lower.includes(k)
    return new RegExp(`(?<![\\w$])${k}(?![\\w$])`).test(lower)
  }).length
}

/** The evidence level one finding gives one bug. */
export function findingEvidence(
  finding: Finding,
  bug: PlantedBug,
  options: MatchOptions = {},
): EvidenceLevel {
  const tolerance = options.lineTolerance ?? 2
  const wanted = Math.min(options.minKeywords ?? 2, bug.keywords.length)
  const hits = bug.keywords.length > 0 ? keywordHits(finding.prose, bug.keywords) : 0
  const named = wanted > 0 && hits >= wanted
  const located = finding.locations.some(
    (l) =>
      l.file !== undefined &&
      l.range !== undefined &&
      filesMatch(l.file, bug.file) &&
      near(l.range, bug.lines, tolerance),
  )
  if (located) return finding.explanationWords >= (options.minExplanationWords ?? 6) ? 3 : 2
  if (named && finding.files.some((f) => filesMatch(f, bug.file))) return 2
  return named ? 1 : 0
}

/**
 * Overall evidence quality from the evidence levels of the bugs, 0..3:
 * - 3: every detected bug (level ≥ 2) has level 3 — file, line and explanation for all;
 * - 2: at least half of the detected bugs have level ≥ 2 (always so when levels come from
 *   `findingEvidence`, where detection means level ≥ 2);
 * - 1: some bug is at least vaguely mentioned (level 1), but the above do not hold;
 * - 0: no bug is mentioned at all.
 *
 * `detected` lists the bugs counted as detected (their levels may be below 2 when a judge
 * model says so).
 */
export function overallEvidence(
  levels: readonly EvidenceLevel[],
  detected: readonly boolean[],
): EvidenceLevel {
  const found = levels.filter((_, i) => detected[i])
  if (found.length > 0) {
    if (found.every((level) => level === 3)) return 3
    if (found.filter((level) => level >= 2).length * 2 >= found.length) return 2
    return 1
  }
  return levels.some((level) => level >= 1) ? 1 : 0
}

/**
 * Matches findings to planted bugs. A finding detects a bug when it cites the bug's file and
 * a line within its range ± `lineTolerance`, or the file and `minKeywords` of its keywords
 * (fewer when the bug has fewer). A finding that detects no bug, is no vague mention of one,
 * and cites a place (a file or a line) is a false positive; in a review written as a list,
 * free paragraphs are commentary and never false positives.
 */
export function matchFindings(
  truth: GroundTruth,
  findings: readonly Finding[],
  options: MatchOptions = {},
): MatchVerdict {
  const evidence: Record<string, EvidenceLevel> = {}
  const foundBy: Record<string, number[]> = {}
  const relevant = new Set<number>()
  for (const bug of truth.bugs) {
    let best: EvidenceLevel = 0
    foundBy[bug.id] = []
    for (const finding of findings) {
      const level = findingEvidence(finding, bug, options)
      if (level >= 1) relevant.add(finding.index)
      if (level >= 2) foundBy[bug.id]!.push(finding.index)
      if (level > best) best = level
    }
    evidence[bug.id] = best
  }
  const detected = truth.bugs.filter((bug) => evidence[bug.id]! >= 2).map((bug) => bug.id)
  const missed = truth.bugs.filter((bug) => evidence[bug.id]! < 2).map((bug) => bug.id)
  const listMode = findings.some((f) => f.kind === 'item')
  const falsePositives = findings
    .filter((f) => !relevant.has(f.index) && f.locations.length > 0 && (!listMode || f.kind === 'item'))
    .map((f) => f.index)
  const levels = truth.bugs.map((bug) => evidence[bug.id]!)
  return {
    detected,
    missed,
    falsePositives,
    evidence,
    evidenceQuality: overallEvidence(
      levels,
      levels.map((level) => level >= 2),
    ),
    foundBy,
  }
}
