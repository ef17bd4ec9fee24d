import { describe, expect, test } from 'vitest'
import { EMPTY_BASELINE, harvestPatch } from '../../agents/harvest.ts'
import type { Sandbox } from '../types.ts'
import { provablyUntouched } from '../untouched.ts'
import { createDockerSandbox, type DockerSandboxOptions } from './docker-sandbox.ts'
import { dockerAvailable, TEST_IMAGE } from './test-support.ts'

const docker = await dockerAvailable()

/** The sandbox with its execs counted (the untouched hook survives the copy). */
function counting(sandbox: Sandbox): Sandbox & { execs: string[][] } {
  const execs: string[][] = []
  return {
    ...sandbox,
    execs,
    exec: (cmd, options) => {
      execs.push([...cmd])
      return sandbox.exec(cmd, options)
    },
  }
}

describe.skipIf(!docker.ok)('docker sandbox: untouched folders are proven without an exec', () => {
  const open = (options: Partial<DockerSandboxOptions> = {}) =>
    createDockerSandbox({ image: TEST_IMAGE, ...options })

  test('a command that writes nothing leaves both folders provably untouched; the harvest reads nothing', async () => {
    await using sandbox = await open()
    expect(await provablyUntouched(sandbox)).toBe(false) // nothing ran yet: no stamp to prove
    expect((await sandbox.exec(['sh', '-c', 'echo hi; ls /tmp > /dev/null'])).stdout).toBe('hi\n')
    expect(await provablyUntouched(sandbox)).toBe(true)
    const counted = counting(sandbox)
    const harvested = await harvestPatch(counted, EMPTY_BASELINE)
    expect(harvested).toEqual({ patch: '', files: [], untouched: true })
    expect(counted.execs).toEqual([])
  })

  test.each([
    ['a file in the workdir', ['sh', '-c', 'echo x > made.txt'], ['made.txt']],
    ['a nested file in the workdir', ['sh', '-c', 'mkdir -p a/b && echo x > a/b/c.txt'], ['a/b/c.txt']],
    ['a file made and deleted again', ['sh', '-c', 'touch gone && rm gone'], []],
    ['a file in the output folder', ['sh', '-c', 'echo x > "$EVALBOX_OUTPUT_DIR/out.txt"'], []],
  ])('%s spoils the proof, and the full harvest runs', async (_what, cmd, files) => {
    await using sandbox = await open()
    expect((await sandbox.exec(cmd)).exitCode).toBe(0)
    expect(await provablyUntouched(sandbox)).toBe(false)
    const counted = counting(sandbox)
    const harvested = await harvestPatch(counted, EMPTY_BASELINE)
    expect(harvested.files).toEqual(files)
    expect(harvested.untouched).toBeUndefined()
    expect(counted.execs).toEqual([]) // the workdir is read through the engine, not by a command
  })

  test('a write after the first command, through the file API, spoils it too', async () => {
    await using sandbox = await open()
    await sandbox.exec(['true'])
    await sandbox.writeFile('later.txt', 'x')
    expect(await provablyUntouched(sandbox)).toBe(false)
  })

  test('a workdir that was not empty is never stamped as untouched', async () => {
    await using sandbox = await open({ workdir: '/etc' })
    await sandbox.exec(['true'])
    expect(await provablyUntouched(sandbox)).toBe(false)
  })

  test('a sandbox written before its first command is not claimed untouched; any user is stamped', async () => {
    await using written = await open()
    await written.writeFile('first.txt', 'x') // written before the stamp: no stamp
    await written.exec(['rm', 'first.txt'])
    expect(await provablyUntouched(written)).toBe(false)
    // The writable folders are volumes owned by the user from the start, root or not.
    for (const user of ['1000:1000', 'root']) {
      await using sandbox = await open({ user })
      await sandbox.exec(['true'])
      expect(await provablyUntouched(sandbox)).toBe(true)
    }
  })

  test('a disposed sandbox proves nothing', async () => {
    const sandbox = await open()
    await sandbox.exec(['true'])
    await sandbox.dispose()
    expect(await provablyUntouched(sandbox)).toBe(false)
  })
})
