#!/usr/bin/env node
// Runs a TypeScript benchmark from source: bundles it with esbuild (already installed with
// tsup) into bench/.tmp and imports it, passing the remaining arguments.
//
//   node bench/run-ts.mjs bench/sandbox/measure.ts [args]
import { mkdirSync } from 'node:fs'
import { basename, join, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { build } from 'esbuild'

const root = fileURLToPath(new URL('../', import.meta.url))
const [entry, ...args] = process.argv.slice(2)
if (!entry) {
  console.error('usage: node bench/run-ts.mjs <file.ts> [args]')
  process.exit(2)
}
const outdir = join(root, 'bench', '.tmp')
mkdirSync(outdir, { recursive: true })
const outfile = join(outdir, `${basename(entry, '.ts')}.mjs`)
await build({
  entryPoints: [resolve(entry)],
  outfile,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  logLevel: 'warning',
})
process.argv = [process.argv[0], outfile, ...args]
await import(pathToFileURL(outfile).href)
