#!/usr/bin/env node
// Completes package-lock.json with the platform packages the registry mirror here cannot
// serve (for example @rollup/rollup-win32-x64, @biomejs/cli-darwin-arm64 at the locked
// version). Without their entries npm 11's `npm ci` refuses the lockfile. An added entry
// carries only what npm needs to skip the package on other platforms: version, os, cpu, libc.
// Run it after `npm install` whenever the lockfile changes.
import { readFileSync, writeFileSync } from 'node:fs'

const path = new URL('../package-lock.json', import.meta.url)
const lock = JSON.parse(readFileSync(path, 'utf8'))
const packages = lock.packages
const added = []

/** The lockfile entry of a platform package, keys in npm's order, from a name like `rollup-linux-x64-musl`. */
function entryFor(name, version, dev) {
  const tail = name
    .split('/')
    .pop()
    .replace(/^(rollup|cli)-/, '')
  const [os, cpu, abi] = tail.split('-')
  const libc =
    os !== 'linux' ? undefined : abi === 'musl' ? ['musl'] : abi?.startsWith('gnu') ? ['glibc'] : undefined
  return { version, cpu: [cpu], ...(dev && { dev: true }), ...(libc && { libc }), optional: true, os: [os] }
}

for (const [at, info] of Object.entries(packages)) {
  for (const [name, version] of Object.entries(info.optionalDependencies ?? {})) {
    if (!/^(@rollup\/rollup-|@biomejs\/cli-)/.test(name)) continue
    const hoisted = `node_modules/${name}`
    const nested = `${at}/node_modules/${name}`
    if (packages[hoisted] || packages[nested]) continue
    packages[hoisted] = entryFor(name, version, info.dev)
    added.push(`${name}@${version}`)
  }
}

const sorted = Object.fromEntries(
  Object.entries(packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b, 'en'))),
)
lock.packages = sorted
writeFileSync(path, `${JSON.stringify(lock, null, 2)}\n`)
console.log(
  added.length ? `added ${added.length} platform entries: ${added.join(', ')}` : 'lockfile complete',
)
