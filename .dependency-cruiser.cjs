// The floor plan, checked by `npm run check` (docs/architecture.md explains each layer).
// A folder may import its own layer and the layers below it, never above; no cycles anywhere.
const layers = [
  ['core'],
  ['sandbox', 'store', 'transcript', 'models', 'gateway'],
  ['agents'],
  ['graders', 'matchers', 'datasets'],
  ['eval'],
  ['compare', 'render'],
  ['run'],
  ['reporter', 'testing'],
  ['vitest', 'cli'],
]
const any = (names) => `^src/(${names.join('|')})/`
const above = (i) => layers.slice(i + 1).flat()

module.exports = {
  forbidden: [
    { name: 'no-cycles', severity: 'error', from: {}, to: { circular: true } },
    ...layers.slice(0, -1).map((names, i) => ({
      name: `layer-${names.join('+')}`,
      comment: `${names.join(', ')} may not import ${above(i).join(', ')}`,
      severity: 'error',
      from: { path: any(names), pathNot: '\\.test\\.ts$|/(__fixtures__|fixtures)/|test-support\\.ts$' },
      to: { path: any(above(i)) },
    })),
    {
      name: 'entries-only-at-top',
      comment: 'src/index.ts is the public worker entry; nothing inside src imports it',
      severity: 'error',
      from: { path: '^src/.+/', pathNot: '/(__fixtures__|fixtures)/' },
      to: { path: '^src/index\\.ts$' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: 'node_modules|^dist/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
}
