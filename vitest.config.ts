import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'
import { bundleClient } from './src/render/html/bundle-client.ts'
import { evalsProject } from './src/vitest/index.ts'

const src = (path: string) => fileURLToPath(new URL(`./src/${path}`, import.meta.url))

// Tests import src/ directly, so the HTML report's page script is bundled here as tsup bundles
// it into the built package (see src/render/html/bundle-client.ts).
const define = { __EVALBOX_PAGE_SCRIPT__: JSON.stringify(bundleClient()) }

// This repo's own evals import 'evalbox' from source, so they run without a build. Without a
// Docker engine they run on the host (warned) rather than fail: `npm test` works anywhere.
const evals = evalsProject({ sandbox: { image: 'evalbox-base:bookworm-1', hostFallback: true } })

export default defineConfig({
  test: {
    projects: [
      {
        define,
        test: {
          name: 'unit',
          include: ['src/**/*.test.ts'],
          exclude: ['src/**/*.docker.test.ts', '**/node_modules/**'],
        },
      },
      {
        define,
        test: {
          name: 'docker',
          include: ['src/**/*.docker.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 300_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['e2e/**/*.test.ts'],
          globalSetup: ['e2e/support/build.ts'],
          testTimeout: 180_000,
          hookTimeout: 300_000,
        },
      },
      {
        test: {
          name: 'attacks',
          include: ['attacks/**/*.attack.test.ts'],
          globalSetup: ['attacks/support/tally.ts'],
          testTimeout: 240_000,
          hookTimeout: 300_000,
        },
      },
      {
        ...evals,
        resolve: {
          alias: [
            { find: /^evalbox$/, replacement: src('index.ts') },
            { find: /^evalbox\/testing$/, replacement: src('testing/index.ts') },
            { find: /^evalbox\/datasets$/, replacement: src('datasets/index.ts') },
          ],
        },
      },
    ],
  },
})
