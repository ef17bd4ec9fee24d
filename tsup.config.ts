import { readFileSync } from 'node:fs'
import { defineConfig } from 'tsup'

const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as {
  version: string
}

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    vitest: 'src/vitest/index.ts',
    'global-setup': 'src/vitest/global-setup.ts',
    cli: 'src/cli/index.ts',
    reaper: 'src/sandbox/docker/reaper.mjs',
  },
  format: ['esm'],
  target: 'node20',
  platform: 'node',
  // Keep `node:` specifiers: bare `stream/promises` is not recognised as a builtin everywhere.
  removeNodeProtocol: false,
  dts: { entry: { index: 'src/index.ts', vitest: 'src/vitest/index.ts' } },
  clean: true,
  splitting: true,
  sourcemap: false,
  // Only the CLI needs the shebang, but tsup applies banners per build; it is harmless elsewhere.
  banner: { js: '#!/usr/bin/env node' },
  define: { __EVALBOX_VERSION__: JSON.stringify(version) },
  // Peer and runtime dependencies stay imports; dockerode is loaded only when Docker is used.
  external: ['vitest', 'vitest/node', 'vitest/config', 'vite', 'dockerode', 'zod', 'diff', 'tar-stream'],
})
