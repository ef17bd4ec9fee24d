import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, test } from 'vitest'
import { matchesGlob } from '../../core/glob.ts'
import { configTestGlobs, namedFiles, pytestConfigFile, pythonFiles } from './trusted-config.ts'

const dirs: string[] = []
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })))
})
const project = async (files: Record<string, string>) => {
  const dir = await mkdtemp(join(tmpdir(), 'evalbox-trusted-config-'))
  dirs.push(dir)
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text)
  return dir
}

describe('pytestConfigFile', () => {
  test('picks the file pytest 9 picks: pytest.ini first, a pyproject.toml only with its section', async () => {
    expect(
      await pytestConfigFile(
        await project({ 'pytest.ini': '', 'pyproject.toml': '[tool.pytest.ini_options]\n' }),
      ),
    ).toBe('pytest.ini')
    expect(
      await pytestConfigFile(await project({ 'pyproject.toml': '[project]\n', 'tox.ini': '[pytest]\n' })),
    ).toBe('tox.ini')
    expect(await pytestConfigFile(await project({ 'setup.cfg': '[tool:pytest]\n' }))).toBe('setup.cfg')
    expect(await pytestConfigFile(await project({ 'setup.cfg': '[flake8]\n' }))).toBeUndefined()
  })
})

describe('configTestGlobs', () => {
  test('pytest python_files patterns become trusted test globs, a bare *.py does not', async () => {
    expect(pythonFiles('[pytest]\npython_files = check_*.py\n    *_spec.py\n')).toEqual([
      'check_*.py',
      '*_spec.py',
    ])
    expect(pythonFiles('[tool.pytest.ini_options]\npython_files = ["check_*.py", "*.py"]\n')).toEqual([
      'check_*.py',
      '*.py',
    ])
    const dir = await project({
      'pyproject.toml': '[tool.pytest.ini_options]\npython_files = ["check_*.py", "*.py"]\n',
    })
    expect(await configTestGlobs(dir, 'pytest')).toEqual(['**/check_*.py'])
  })

  test('setup files a jest or vitest config names are trusted; packages and aliases are not', async () => {
    const vitest = `export default defineConfig({
      resolve: { alias: { '@': './src' } },
      test: { setupFiles: ['./src/setupTests.ts', 'vitest-canvas-mock'], environment: 'jsdom', globalSetup: './scripts/global' },
    })`
    expect(namedFiles(vitest)).toEqual([
      'src/setupTests.ts',
      'scripts/global',
      'scripts/global.*',
      'scripts/global/index.*',
    ])
    const pkg = JSON.stringify({
      jest: { setupFilesAfterEnv: ['<rootDir>/support/jest-extend.js', '@testing-library/jest-dom'] },
    })
    const dir = await project({ 'vite.config.ts': vitest, 'package.json': pkg })
    expect((await configTestGlobs(dir, 'vitest')).sort()).toEqual(
      [
        'src/setupTests.ts',
        'scripts/global',
        'scripts/global.*',
        'scripts/global/index.*',
        'support/jest-extend.js',
      ].sort(),
    )
    expect(await configTestGlobs(dir, 'node')).toEqual([])
  })

  test('a named path is literal: glob characters in it are escaped, and still match it', () => {
    const [glob, ...rest] = namedFiles(`setupFiles: './src/[id]/setup(1).ts', globalSetup: './app/{x}'`)
    expect(glob).toBe('src/\\[id\\]/setup\\(1\\).ts')
    expect(matchesGlob('src/[id]/setup(1).ts', glob!)).toBe(true)
    expect(matchesGlob('src/i/setup(1).ts', glob!)).toBe(false)
    expect(
      rest.map((g) =>
        ['app/{x}', 'app/{x}.js', 'app/{x}/index.ts', 'app/x'].filter((p) => matchesGlob(p, g)),
      ),
    ).toEqual([['app/{x}'], ['app/{x}.js'], ['app/{x}/index.ts']])
  })

  test('transforms, serializers and runners a jest config names are trusted, in objects and pairs', () => {
    const pkg = JSON.stringify({
      jest: {
        transform: {
          '\\.js$': '<rootDir>/tools/transform.js',
          '\\.tsx?$': ['./tools/ts-transform', { isolated: true, nested: { deep: '[not a path' } }],
          '\\.css$': 'jest-css-modules-transform',
        },
        transformIgnorePatterns: ['<rootDir>/vendor/'],
        snapshotSerializers: ['<rootDir>/tools/serializer.js'],
        runner: './tools/runner.js',
        modulePaths: ['<rootDir>/src'],
      },
    })
    expect(namedFiles(pkg)).toEqual([
      'tools/transform.js',
      'tools/ts-transform',
      'tools/ts-transform.*',
      'tools/ts-transform/index.*',
      'tools/serializer.js',
      'tools/runner.js',
    ])
  })
})
