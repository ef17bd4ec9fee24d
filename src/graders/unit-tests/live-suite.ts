import { afterEach, describe, expect, test } from 'vitest'
import type { Grade } from '../types.ts'
import { FORCE_PASS_CONFTEST, type LiveProject, NODE_PROJECT, PYTEST_PROJECT } from './live-cases.ts'
import type { UnitTestsOptions } from './options.ts'
import {
  agentPatch,
  type Edits,
  type LiveContext,
  type VerifierProvider,
  verifierContext,
} from './test-support.ts'
import { unitTests } from './unit-tests.ts'
import { applyAgentPatch } from './verifier.ts'

const LOGO = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0xff, 0xfe, 0x0a, 0x0d, 0])

/**
 * Grades real patches against the fixture projects with real runners in real verifier
 * sandboxes. The same suite runs for the local provider (unit-tests.test.ts) and the docker
 * provider (unit-tests.docker.test.ts).
 */
export function describeUnitTestsLive(provider: VerifierProvider, projects: readonly LiveProject[]): void {
  const contexts: LiveContext[] = []
  afterEach(async () => {
    await Promise.all(contexts.splice(0).flatMap((ctx) => ctx.opened.map((sandbox) => sandbox.dispose())))
  })

  const gradePatch = async (
    project: LiveProject,
    edits: Edits | undefined,
    options: UnitTestsOptions = {},
  ): Promise<{ grade: Grade; ctx: LiveContext }> => {
    const patch = edits === undefined ? undefined : await agentPatch(project.fixture, edits)
    const ctx = verifierContext(provider, project.fixture, patch)
    contexts.push(ctx)
    return { grade: await unitTests(options)(ctx), ctx }
  }

  describe.each(projects)(`unitTests on $framework in ${provider} verifiers`, (project) => {
    const { ids } = project

    test('a fixing patch (with binary, new and deleted files) passes with the runner’s counts', async () => {
      const { grade, ctx } = await gradePatch(project, {
        ...project.fix,
        'assets/logo.bin': LOGO,
        'NOTES.md': null,
        'docs/CHANGES.md': 'fixed sub and mul\n',
      })
      expect(grade).toMatchObject({ pass: true, score: 1 })
      expect(grade.metadata).toMatchObject({
        framework: project.framework,
        counts: { passed: 3, failed: 0, skipped: 0, errors: 0 },
        tampered: [],
        patch: 'applied',
        log: 'runs/test/grader-unit-tests.log',
      })
      expect(ctx.kept.get('grader-unit-tests.log')).toMatch(project.passingSummary)
      expect(ctx.opened).toHaveLength(1)
    }, 120_000)

    test('the patch lands byte for byte: edited, binary, new and deleted files', async () => {
      const edits = {
        ...project.fix,
        'assets/logo.bin': LOGO,
        'NOTES.md': null,
        'docs/new file é.txt': 'hi\n',
      }
      const patch = await agentPatch(project.fixture, edits)
      const ctx = verifierContext(provider, project.fixture, patch)
      contexts.push(ctx)
      const verifier = await ctx.openSandbox()
      await applyAgentPatch(verifier, patch.diff)
      expect(Buffer.compare(await verifier.readFile('assets/logo.bin'), LOGO)).toBe(0)
      expect((await verifier.readFile('docs/new file é.txt')).toString()).toBe('hi\n')
      const [codeFile, code] = Object.entries(project.fix)[0]!
      expect((await verifier.readFile(codeFile)).toString()).toBe(code)
      expect((await verifier.exec(['test', '-e', 'NOTES.md'])).exitCode).toBe(1)
      // No repo is left behind: the tests see the fixture plus the patch, nothing else.
      expect((await verifier.exec(['test', '-e', '.git'])).exitCode).toBe(1)
    }, 120_000)

    test('a patch that edits the tests to pass is graded failing, and the tampering is reported', async () => {
      const [addedPath, addedContent] = project.addedTest
      const cheat = { [project.testFile]: project.weakenedTests, [addedPath]: addedContent }
      // With no trusted test files the weakened tests do pass: the cheat works unless
      // the grader restores the tests.
      const trusting = await gradePatch(project, cheat, { tests: [] })
      expect(trusting.grade.pass).toBe(true)

      const { grade: graded, ctx } = await gradePatch(project, cheat)
      expect(graded.pass).toBe(false)
      expect(graded.metadata).toMatchObject({
        counts: { passed: 1, failed: 2 },
        tampered: [project.testFile, addedPath].sort(),
        tamperedChanges: { [project.testFile]: 'modified', [addedPath]: 'added' },
      })
      expect(graded.explanation).toContain(
        `restored from the fixture (edits ignored): ${[`${addedPath} (added)`, `${project.testFile} (modified)`].sort().join(', ')}`,
      )
      expect(ctx.kept.get('grader-unit-tests.log')).toContain('# restored test files:')
    }, 120_000)

    test('a real fix that also edits the tests passes on the fixture’s tests, tampering still reported', async () => {
      const { grade: graded } = await gradePatch(project, {
        ...project.fix,
        [project.testFile]: project.weakenedTests,
      })
      expect(graded).toMatchObject({ pass: true, metadata: { tampered: [project.testFile] } })
      expect(graded.explanation).toContain(`${project.testFile} (modified)`)
    }, 120_000)

    test('printing "all tests passed" leaves the failing tests failing', async () => {
      const { grade: graded, ctx } = await gradePatch(project, project.liar)
      expect(graded).toMatchObject({ pass: false, metadata: { counts: { passed: 1, failed: 2 } } })
      expect(graded.score).toBeCloseTo(1 / 3)
      expect(graded.metadata?.failing).toEqual(expect.arrayContaining([ids.sub, ids.mul]))
      expect(ctx.kept.get('grader-unit-tests.log')).toContain('all tests passed')
    }, 120_000)

    test('failToPass / passToPass give resolved full, partial and no', async () => {
      const lists = { failToPass: [ids.sub, ids.mul], passToPass: [ids.add] }
      const full = await gradePatch(project, project.fix, lists)
      expect(full.grade).toMatchObject({ pass: true, score: 1, metadata: { resolved: 'full' } })
      const partial = await gradePatch(project, project.fixSubOnly, lists)
      expect(partial.grade).toMatchObject({
        pass: false,
        metadata: { resolved: 'partial', failToPass: { passing: 1, total: 2, failing: [ids.mul] } },
      })
      expect(partial.grade.score).toBeCloseTo(2 / 3)
      const no = await gradePatch(project, project.fixButBreakAdd, lists)
      expect(no.grade).toMatchObject({
        pass: false,
        metadata: { resolved: 'no', passToPass: { failing: [ids.add] } },
      })
      expect(no.grade.explanation).toContain('resolved: no')
    }, 120_000)

    test('code that exits the runner early with 0 does not pass when the tests are listed', async () => {
      const lists = { failToPass: [ids.sub, ids.mul], passToPass: [ids.add] }
      const { grade: graded } = await gradePatch(project, project.earlyExit, lists)
      expect(graded).toMatchObject({
        pass: false,
        metadata: { exitCode: 0, resolved: 'no', failToPass: { missing: [ids.sub, ids.mul] } },
      })
    }, 120_000)

    test('without a patch the tests run on the clean fixture, and the explanation says so', async () => {
      const { grade: graded } = await gradePatch(project, undefined)
      expect(graded).toMatchObject({
        pass: false,
        metadata: { patch: 'none', counts: { passed: 1, failed: 2 } },
      })
      expect(graded.explanation).toContain('no agent patch')
    }, 120_000)
  })

  if (projects.includes(NODE_PROJECT)) {
    test(`node in ${provider}: code that exits with 0 before the tests fails without lists, naming the file`, async () => {
      // node --test lists the test file as one passing "test" and exits 0.
      const { grade: graded, ctx } = await gradePatch(NODE_PROJECT, NODE_PROJECT.earlyExit)
      expect(ctx.kept.get('grader-unit-tests.log')).toMatch(/^# pass 2$/m)
      expect(graded).toMatchObject({
        pass: false,
        score: 0,
        metadata: {
          exitCode: 0,
          counts: { passed: 0, failed: 0, errors: 1 },
          emptyTestFiles: [NODE_PROJECT.testFile],
        },
      })
      expect(graded.explanation).toContain(`test file ${NODE_PROJECT.testFile} reported no tests`)
    }, 120_000)
  }

  if (projects.includes(PYTEST_PROJECT)) {
    test(`pytest in ${provider}: a conftest.py that forces passes is removed, and code exiting early fails`, async () => {
      const trusting = await gradePatch(PYTEST_PROJECT, { 'conftest.py': FORCE_PASS_CONFTEST }, { tests: [] })
      expect(trusting.grade.pass).toBe(true)
      const { grade: graded } = await gradePatch(PYTEST_PROJECT, { 'conftest.py': FORCE_PASS_CONFTEST })
      expect(graded).toMatchObject({
        pass: false,
        metadata: { tampered: ['conftest.py'], tamperedChanges: { 'conftest.py': 'added' } },
      })
      // pytest never writes its report when the code under test calls os._exit(0).
      const early = await gradePatch(PYTEST_PROJECT, PYTEST_PROJECT.earlyExit)
      expect(early.grade).toMatchObject({ pass: false, score: 0, metadata: { exitCode: 0 } })
      expect(early.grade.explanation).toContain('pytest wrote no readable report')
    }, 120_000)
  }
}

/** Both fixture projects. */
export const LIVE_PROJECTS: readonly LiveProject[] = [NODE_PROJECT, PYTEST_PROJECT]
