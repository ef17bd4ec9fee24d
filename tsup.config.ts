import { readFileSync } from 'node:fs'
import { basename } from 'node:path'
import { defineConfig } from 'tsup'
import { bundleClient } from './src/render/html/bundle-client.ts'

const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as {
  version: string
}

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    vitest: 'src/vitest/index.ts',
    testing: 'src/testing/index.ts',
    datasets: 'src/datasets/index.ts',
    'global-setup': 'src/vitest/global-setup.ts',
    'redact-console': 'src/vitest/redact-console.ts',
    cli: 'src/cli/index.ts',
    reaper: 'src/sandbox/docker/reaper.mjs',
  },
  format: ['esm'],
  target: 'node20',
  platform: 'node',
  // Keep `node:` specifiers: bare `stream/promises` is not recognised as a builtin everywhere.
  removeNodeProtocol: false,
  dts: {
    entry: {
      index: 'src/index.ts',
      vitest: 'src/vitest/index.ts',
      testing: 'src/testing/index.ts',
      datasets: 'src/datasets/index.ts',
    },
  },
  clean: true,
  splitting: true,
  sourcemap: false,
  // The bin, and only the bin, starts with a shebang and is executable: a banner would put one
  // (and the exec bit) on every module and chunk.
  plugins: [
    {
      name: 'bin-shebang',
      renderChunk(code, chunk) {
        if (basename(chunk.path) !== 'cli.js') return
        chunk.mode = 0o755
        return { code: `#!/usr/bin/env node\n${code}` }
      },
    },
  ],
  define: {
    __EVALBOX_VERSION__: JSON.stringify(version),
    // The HTML report's page script, bundled from src/render/html/client/ (see bundle-client.ts).
    __EVALBOX_PAGE_SCRIPT__: JSON.stringify(bundleClient()),
  },
  // Peer and runtime dependencies stay imports; dockerode is loaded only when Docker is used.
  external: ['vitest', 'vitest/node', 'vitest/config', 'vite', 'dockerode', 'tar-stream'],
  noExternal: ['zod', 'diff', 'fast-xml-parser'],
})
