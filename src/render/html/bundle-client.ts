import { buildSync } from 'esbuild'

/**
 * Build-time only (tsup.config.ts and vitest.config.ts call it; the package never does):
 * bundles the report page's script, src/render/html/client/main.ts and what it imports, into one
 * IIFE. The configs hand the result to render-html.ts as `__EVALBOX_PAGE_SCRIPT__`.
 */
export function bundleClient(): string {
  const result = buildSync({
    entryPoints: [new URL('./client/main.ts', import.meta.url).pathname],
    tsconfig: new URL('./client/tsconfig.json', import.meta.url).pathname,
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    // Left readable, as the hand-written script was: a user can read what the page runs.
    minify: false,
    legalComments: 'none',
    write: false,
  })
  return result.outputFiles[0]!.text
}
