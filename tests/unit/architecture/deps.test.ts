// The dependency rules of tests/helpers (.dependency-cruiser.cjs, run by `npm run lint:deps`
// in `npm test`) are not a no-op: on a small tree laid out like tests/helpers with the
// faults they forbid, each fault is reported; the real tree passes, and madge finds no
// import cycle in it either.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../../..');
const CONFIG = join(root, '.dependency-cruiser.cjs');
const DEPCRUISE = join(root, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');
/** What lint:deps cruises (package.json). */
const CRUISED = ['tests', 'scripts', 'bench', 'stack', 'vitest.config.ts'];
const TIMEOUT_MS = 60_000;

/** The rules' names, each of which the faulty tree breaks. */
const RULES = (createRequire(import.meta.url)(CONFIG) as { forbidden: { name: string }[] }).forbidden.map((rule) => rule.name);

/** madge ships no types: the one call used here. */
type Madge = (path: string, config: { fileExtensions: string[] }) => Promise<{ circular(): string[][] }>;
const madge = createRequire(import.meta.url)('madge') as Madge;

interface Violation {
  from: string;
  to: string;
  rule: { name: string; severity: string };
  /** no-circular: the modules of the cycle. */
  cycle?: { name: string }[];
}

/** Runs the dependency-cruiser CLI with the project's config in `cwd`: its exit code and output. */
function depcruise(cwd: string, args: readonly string[]): Promise<{ exitCode: number; stdout: string }> {
  return new Promise((done, fail) => {
    execFile(
      process.execPath,
      [DEPCRUISE, '--config', CONFIG, ...args],
      { cwd, maxBuffer: 64 * 2 ** 20, timeout: TIMEOUT_MS },
      (error, stdout, stderr) => {
        if (error !== null && typeof error.code !== 'number') fail(new Error(`dependency-cruiser did not run: ${error.message} ${stderr}`));
        else done({ exitCode: error === null ? 0 : (error.code as number), stdout });
      },
    );
  });
}

/** The violations found in `paths` (the JSON reporter, which exits 0 whatever it finds). */
async function violationsIn(cwd: string, paths: readonly string[]): Promise<Violation[]> {
  const { stdout } = await depcruise(cwd, ['--output-type', 'json', ...paths]);
  return (JSON.parse(stdout) as { summary: { violations: Violation[] } }).summary.violations;
}

/** The tree: each path (relative to its root) with its source. */
const FAULTY: Record<string, string> = {
  // analysis <-> report: a cycle, and analysis importing report.
  'tests/helpers/analysis/index.ts': "import { render } from '../report/index.ts';\nexport const judge = (): number => render() + 1;\n",
  'tests/helpers/analysis/deep.ts': 'export const deep = 1;\n',
  'tests/helpers/report/index.ts':
    "import { judge } from '../analysis/index.ts';\nimport { deep } from '../analysis/deep.ts';\n" +
    'export const render = (): number => deep;\nexport const both = (): number => judge();\n',
  'tests/helpers/report/render.ts': 'export const page = (): string => "<html></html>";\n',
  // The engine importing another part, and Vitest (a package in node_modules, as in the real tree).
  'tests/helpers/engine/index.ts':
    "import { render } from '../report/index.ts';\nexport const run = (): number => render();\nexport type Ran = number;\n",
  'tests/helpers/engine/watch.ts': "import { expect } from 'vitest';\nexport const watch = expect;\n",
  'node_modules/vitest/package.json': '{ "name": "vitest", "version": "0.0.0", "main": "index.js" }\n',
  'node_modules/vitest/index.js': 'exports.expect = () => undefined;\n',
  // model importing a part (types only, still forbidden), and the engine's code; its types it may.
  'tests/helpers/config/index.ts': 'export interface PerfConfig {\n  scale: number;\n}\n',
  'tests/helpers/model/index.ts': "import type { PerfConfig } from '../config/index.ts';\nexport type Recorded = PerfConfig;\n",
  'tests/helpers/model/runs.ts': "import { run } from '../engine/index.ts';\nexport const ran = run();\n",
  'tests/helpers/model/ran.ts': "import type { Ran } from '../engine/index.ts';\nexport type Counted = Ran;\n",
  // report importing the vitest part (through its face, still forbidden).
  'tests/helpers/vitest/index.ts': 'export const perfTest = (): number => 1;\n',
  'tests/helpers/report/wired.ts': "import { perfTest } from '../vitest/index.ts';\nexport const wired = perfTest();\n",
  // The library face re-exporting a part's face (allowed) and a part's module (forbidden).
  'tests/helpers/index.ts': "export { render } from './report/index.ts';\nexport { page } from './report/render.ts';\n",
  // merge/ and threads/ reading a part other than the engine (each through its face, still forbidden).
  'tests/helpers/merge/index.ts': "import { render } from '../report/index.ts';\nexport const merged = render();\n",
  'tests/helpers/threads/index.ts': "import type { PerfConfig } from '../config/index.ts';\nexport type Threaded = PerfConfig;\n",
  // Outside the parts: a script reaching into report/ past its face; a unit test may.
  'scripts/tool.ts': "import { page } from '../tests/helpers/report/render.ts';\nconsole.log(page());\n",
  'tests/unit/render.test.ts': "import { page } from '../helpers/report/render.ts';\nconsole.log(page());\n",
};

const temporary: string[] = [];
afterAll(async () => {
  for (const dir of temporary) await rm(dir, { recursive: true, force: true });
});

async function tree(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'deps-fixture-'));
  temporary.push(dir);
  for (const [path, source] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), source);
  }
  return dir;
}

const pairs = (violations: readonly Violation[], rule: string) =>
  violations
    .filter((v) => v.rule.name === rule)
    .map((v) => `${v.from} -> ${v.to}`)
    .sort();

describe('the dependency rules (.dependency-cruiser.cjs)', () => {
  it(
    'report a cycle, analysis importing report and the other forbidden imports of a faulty tree',
    async () => {
      const dir = await tree(FAULTY);
      const violations = await violationsIn(dir, ['tests', 'scripts']);
      const cycles = violations.filter((v) => v.rule.name === 'no-circular');
      expect(cycles).toHaveLength(1);
      expect([cycles[0]?.from, ...(cycles[0]?.cycle ?? []).map((m) => m.name)].sort()).toEqual([
        'tests/helpers/analysis/index.ts',
        'tests/helpers/analysis/index.ts',
        'tests/helpers/report/index.ts',
      ]);
      expect(pairs(violations, 'analysis-not-to-outer-parts')).toEqual([
        'tests/helpers/analysis/index.ts -> tests/helpers/report/index.ts',
      ]);
      expect(pairs(violations, 'engine-self-contained')).toEqual(['tests/helpers/engine/index.ts -> tests/helpers/report/index.ts']);
      expect(pairs(violations, 'engine-not-to-vitest')).toEqual(['tests/helpers/engine/watch.ts -> node_modules/vitest/index.js']);
      expect(pairs(violations, 'report-not-to-outer-parts')).toEqual(['tests/helpers/report/wired.ts -> tests/helpers/vitest/index.ts']);
      expect(pairs(violations, 'model-is-a-leaf')).toEqual(['tests/helpers/model/index.ts -> tests/helpers/config/index.ts']);
      // A type-only import of the engine face is what model/ may do (model/ran.ts): not reported.
      expect(pairs(violations, 'model-reads-engine-types-only')).toEqual(['tests/helpers/model/runs.ts -> tests/helpers/engine/index.ts']);
      expect(pairs(violations, 'over-the-engine-only')).toEqual([
        'tests/helpers/merge/index.ts -> tests/helpers/report/index.ts',
        'tests/helpers/threads/index.ts -> tests/helpers/config/index.ts',
      ]);
      expect(pairs(violations, 'library-face-through-faces')).toEqual(['tests/helpers/index.ts -> tests/helpers/report/render.ts']);
      expect(pairs(violations, 'parts-through-faces')).toEqual(['tests/helpers/report/index.ts -> tests/helpers/analysis/deep.ts']);
      expect(pairs(violations, 'outside-through-faces')).toEqual(['scripts/tool.ts -> tests/helpers/report/render.ts']);
      // A unit test may import a part's internals.
      expect(violations.filter((v) => v.from.startsWith('tests/unit/'))).toEqual([]);
      // Every rule of the configuration has its fault here.
      expect([...new Set(violations.map((v) => v.rule.name))].sort()).toEqual([...RULES].sort());
      // As lint:deps runs it (the text reporter): it fails, so `npm test` stops.
      expect((await depcruise(dir, ['tests', 'scripts'])).exitCode).not.toBe(0);
    },
    TIMEOUT_MS,
  );

  it(
    'pass the real tree: no error, and no import cycle',
    async () => {
      const violations = await violationsIn(root, CRUISED);
      expect(violations.filter((v) => v.rule.severity === 'error').map((v) => `${v.rule.name}: ${v.from} -> ${v.to}`)).toEqual([]);
    },
    TIMEOUT_MS,
  );

  it(
    'madge agrees: tests/helpers has zero import cycles',
    async () => {
      const result = await madge(join(root, 'tests/helpers'), { fileExtensions: ['ts'] });
      expect(result.circular()).toEqual([]);
    },
    TIMEOUT_MS,
  );
});
