// Which way data flows in tests/helpers, checked by `npm run lint:deps` (part of `npm test`).
//
//   engine -> analysis -> report        the load engine measures, analysis judges, report shows
//   model/                              the plain data shapes (a spec report, a history line):
//                                       every part may read it; it reads nothing
//   vitest/, cli/, scripts/             wire the parts together (and config/, providers/,
//                                       service/, rate-limit/ around them)
//
// A part is a folder of tests/helpers with an index.ts face; code outside a part imports it
// through that face only. Unit tests (tests/unit) and the reliability tests test internals and
// may import them by path. tests/unit/architecture/deps.test.ts checks these rules catch what
// they are meant to.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'An import cycle: move the shared piece (a type, a constant) down into a leaf, e.g. model/ or a leaf module of the part.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'analysis-not-to-outer-parts',
      severity: 'error',
      comment:
        'analysis/ judges data handed to it: it imports the engine and model/, never report/, vitest/, providers/ or cli/ (reading report files is report/baseline-files.ts).',
      from: { path: '^tests/helpers/analysis/' },
      to: { path: '^tests/helpers/(report|vitest|providers|cli)/' },
    },
    {
      name: 'engine-self-contained',
      severity: 'error',
      comment: 'The engine imports none of the other parts (nor anything else of this repository): it is the bottom of the flow.',
      from: { path: '^tests/helpers/engine/' },
      to: { path: '^(tests|stack|scripts|bench)/|^[^/]+\\.ts$', pathNot: '^tests/helpers/engine/' },
    },
    {
      name: 'over-the-engine-only',
      severity: 'error',
      comment:
        'merge/ (combining run results) and threads/ (the engine on worker threads) import the engine face and their own modules, nothing of the suite around them.',
      from: { path: '^tests/helpers/(merge|threads)/' },
      to: { path: '^(tests|stack|scripts|bench)/|^[^/]+\\.ts$', pathNot: ['^tests/helpers/$1/', '^tests/helpers/engine/index\\.ts$'] },
    },
    {
      name: 'engine-not-to-vitest',
      severity: 'error',
      comment: 'The engine runs without Vitest (scripts, benchmarks, the CLI).',
      from: { path: '^tests/helpers/engine/' },
      to: { path: '^(node_modules/)?(vitest|@vitest/)' },
    },
    {
      name: 'report-not-to-outer-parts',
      severity: 'error',
      comment:
        'report/ renders and files what it is handed: it never imports vitest/, providers/ or cli/ (their data shapes are in model/).',
      from: { path: '^tests/helpers/report/' },
      to: { path: '^tests/helpers/(vitest|providers|cli)/' },
    },
    {
      name: 'model-is-a-leaf',
      severity: 'error',
      comment: 'model/ holds types and constants only: it imports nothing but its own modules and the engine face (for types).',
      from: { path: '^tests/helpers/model/' },
      to: { pathNot: '^tests/helpers/(model/|engine/index\\.ts$)' },
    },
    {
      name: 'model-reads-engine-types-only',
      severity: 'error',
      comment: 'model/ may name the engine’s types (import type), never its code.',
      from: { path: '^tests/helpers/model/' },
      to: { path: '^tests/helpers/engine/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'parts-through-faces',
      severity: 'error',
      comment: 'Between parts of tests/helpers, import the other part’s index.ts (its face), not its modules.',
      from: { path: '^tests/helpers/([^/]+)/' },
      to: { path: '^tests/helpers/[^/]+/', pathNot: ['^tests/helpers/$1/', '^tests/helpers/[^/]+/index\\.ts$'] },
    },
    {
      name: 'outside-through-faces',
      severity: 'error',
      comment:
        'Outside tests/helpers, import a part through its index.ts face. Exceptions: tests of internals (tests/unit, tests/reliability) and Vitest’s configuration, which wires the vitest part’s reporters and sequencer by path.',
      from: {
        pathNot: ['^tests/helpers/[^/]+/', '^tests/helpers/index\\.ts$', '^tests/unit/', '^tests/reliability/', '^vitest\\.config\\.ts$'],
      },
      to: { path: '^tests/helpers/[^/]+/', pathNot: '^tests/helpers/[^/]+/index\\.ts$' },
    },
    {
      name: 'library-face-through-faces',
      severity: 'error',
      comment: 'tests/helpers/index.ts (the library’s face) re-exports the parts’ faces, not their modules.',
      from: { path: '^tests/helpers/index\\.ts$' },
      to: { path: '^tests/helpers/[^/]+/', pathNot: '^tests/helpers/[^/]+/index\\.ts$' },
    },
  ],
  options: {
    // Packages are not followed but stay in the graph as leaves: excluding node_modules would drop
    // the imports of packages too, and engine-not-to-vitest would never see the engine import Vitest.
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(reports|coverage)/' },
    // Type-only imports are dependencies too (a cycle through `import type` is still a cycle).
    tsPreCompilationDeps: true,
  },
};
