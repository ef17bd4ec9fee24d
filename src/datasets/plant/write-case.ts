import { cp, mkdir, rm, writeFile } from 'node:fs/promises'
import { basename, join } from 'node:path'
import { createTwoFilesPatch } from 'diff'
import type { GroundTruth } from '../../graders/planted-bugs/ground-truth.ts'
import { bugEntries, type PlannedBug } from './apply.ts'
import type { PlantedCase } from './types.ts'

const NOT_COPIED = new Set(['.git', '__pycache__', '.pytest_cache'])

/** What one case folder is made of. */
export interface CaseContent {
  readonly fixture: string
  readonly dir: string
  readonly id: string
  /** Clean texts of the fixture's sources, by relative path. */
  readonly originals: ReadonlyMap<string, string>
  /** Mutated texts, by relative path. */
  readonly files: ReadonlyMap<string, string>
  readonly planned: readonly PlannedBug[]
  /** Line range of each planned bug in its mutated file. */
  readonly lines: ReadonlyArray<[number, number]>
  readonly minimumDetection: number
  readonly maxFalsePositives: number
}

/**
 * Writes `<dir>/workspace` (a fresh copy of the fixture with the mutated files),
 * `<dir>/ground-truth.json` and `<dir>/bug.diff` (kept outside the workspace, where the
 * agent cannot read it). A folder left by an earlier run is replaced.
 */
export async function writeCase(content: CaseContent): Promise<PlantedCase> {
  const { dir } = content
  const workspace = join(dir, 'workspace')
  await rm(dir, { recursive: true, force: true })
  await mkdir(dir, { recursive: true })
  await cp(content.fixture, workspace, {
    recursive: true,
    verbatimSymlinks: true,
    filter: (source) => !NOT_COPIED.has(basename(source)),
  })
  const diffs: string[] = []
  for (const [file, text] of content.files) {
    await writeFile(join(workspace, file), text)
    diffs.push(createTwoFilesPatch(`a/${file}`, `b/${file}`, content.originals.get(file)!, text))
  }
  const entries = content.planned.flatMap((bug, i) => bugEntries([bug], [content.lines[i]!]))
  const groundTruth: GroundTruth = {
    bugs: entries,
    minimum_detection: content.minimumDetection,
    max_false_positives: content.maxFalsePositives,
  }
  const groundTruthPath = join(dir, 'ground-truth.json')
  await writeFile(groundTruthPath, `${JSON.stringify(groundTruth, null, 2)}\n`)
  await writeFile(join(dir, 'bug.diff'), diffs.join(''))
  return { id: content.id, dir, workspace, groundTruthPath, groundTruth }
}
