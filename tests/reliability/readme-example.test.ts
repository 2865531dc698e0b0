// The README's five-line spec, run as written: copied into tests/performance for the length of
// each test and run by the performance project, on the embedded reference stack and against an
// external service (the contract target, another implementation), then removed. The same spec
// with an impossible bound fails naming the metric, and the project's static checks (what
// `npm test` runs before the unit tests) stay green with such a file present.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startContractTarget, type ContractTarget } from '../targets/contract-target.ts';
import { childEnv, ROOT, runVitest } from '../support/child-vitest.ts';

/** The README's first TypeScript block that is a spec (it calls perfTest). */
function readmeSpec(): string {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const block = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!).find((code) => code.includes('perfTest('));
  if (block === undefined) throw new Error('README.md: no ```ts block that calls perfTest(');
  return block;
}

/** Writes `source` as a spec file for the length of `body`. */
async function withSpec<T>(source: string, body: (file: string, name: string) => Promise<T>): Promise<T> {
  const name = `${process.pid}-readme-example`;
  const file = join(ROOT, 'tests', 'performance', `${name}.spec.ts`);
  writeFileSync(file, source);
  try {
    return await body(file, name);
  } finally {
    rmSync(file, { force: true });
  }
}

/** Runs one spec file in the performance project; its outcome and report. */
async function runSpec(file: string, name: string, settings: Record<string, string>) {
  const reportDir = mkdtempSync(join(tmpdir(), 'readme-example-'));
  try {
    const env = childEnv({ PERF_REPORT_DIR: reportDir, PERF_BASELINE: '', PERF_HISTORY: 'none', ...settings });
    const args = ['--project', 'performance', `--outputFile.junit=${join(reportDir, 'junit.xml')}`, file];
    const { code, output } = await runVitest(args, env, 240_000);
    const reportPath = join(reportDir, `${name}.json`);
    const report = existsSync(reportPath) ? JSON.parse(readFileSync(reportPath, 'utf8')) : undefined;
    return { code, output, report };
  } finally {
    rmSync(reportDir, { recursive: true, force: true });
  }
}

describe("the README's five-line spec", () => {
  const spec = readmeSpec();
  let target: ContractTarget;
  beforeAll(async () => {
    // The original's behaviour: a sliding window, a bare 429, no metrics of ours.
    target = await startContractTarget({ processingMs: [5, 20] });
  });
  afterAll(async () => {
    await target?.stop();
  });

  it('is five lines of code with one import line', () => {
    const code = spec.split('\n').filter((line) => line.trim() !== '');
    expect(code.length, spec).toBeLessThanOrEqual(6);
    expect(code.filter((line) => line.startsWith('import ')).length).toBe(1);
  });

  it('runs as written on the embedded stack and writes its report', async () => {
    await withSpec(spec, async (file, name) => {
      const { code, output, report } = await runSpec(file, name, { WEBHOOK_STACK: 'embedded', WEBHOOK_URL: '' });
      expect(code, output.slice(-4000)).toBe(0);
      expect(report, output.slice(-2000)).toBeDefined();
      expect(report.summaries.load.sentRequests).toBe(30);
      expect(report.thresholds.map((t: { metric: string; passed: boolean }) => [t.metric, t.passed])).toEqual(
        expect.arrayContaining([
          ['successRatePercent', true],
          ['p95Ms', true],
        ]),
      );
    });
  });

  it('runs as written against an external service', async () => {
    await withSpec(spec, async (file, name) => {
      const { code, output, report } = await runSpec(file, name, { WEBHOOK_STACK: 'external', WEBHOOK_URL: target.webhookUrl });
      expect(code, output.slice(-4000)).toBe(0);
      expect(report.provider.webhookUrl).toBe(target.webhookUrl);
      expect(report.summaries.load.successCount).toBe(30);
    });
  });

  it("fails with p95Ms: ['<', 1], naming P95, the phase, the figure and the bound", async () => {
    const impossible = spec.replace(/p95Ms: \['<', \d+\]/, "p95Ms: ['<', 1]");
    expect(impossible).not.toBe(spec);
    await withSpec(impossible, async (file, name) => {
      const { code, output, report } = await runSpec(file, name, { WEBHOOK_STACK: 'external', WEBHOOK_URL: target.webhookUrl });
      expect(code, output.slice(-4000)).toBe(1);
      expect(output).toMatch(/thresholds failed: load: P95 latency < 1 ms \(measured [\d.]+ ms\)/);
      const p95 = report.thresholds.find((t: { metric: string }) => t.metric === 'p95Ms');
      expect(p95).toMatchObject({ passed: false, op: '<', value: 1 });
    });
  });

  it("leaves the project's static checks green with such a file present", async () => {
    await withSpec(spec, async (file) => {
      for (const [command, ...args] of [
        ['npx', 'tsc', '--noEmit'],
        ['npx', 'eslint', '--max-warnings', '0', file],
        ['npx', 'prettier', '--check', file],
        ['npx', 'vitest', 'run', '--project', 'unit', 'tests/unit/config', 'tests/unit/docs'],
      ] as const) {
        const run = spawnSync(command, args, { cwd: ROOT, env: childEnv(), encoding: 'utf8', timeout: 180_000 });
        expect(run.status, `${command} ${args.join(' ')}\n${run.stdout}${run.stderr}`.slice(-4000)).toBe(0);
      }
    });
  });
});

describe("the docs' specs", () => {
  it('run as written, all of them, on the embedded stack', async () => {
    // Extracted from the pages by scripts/docs-examples.ts (a unit test keeps them in step). Copied
    // into tests/performance for the length of the run; the limiter off, so no spec waits a minute.
    const dir = join(ROOT, 'tests', 'docs-examples');
    const specs = readdirSync(dir).filter((name) => name.endsWith('.spec.ts') && !name.startsWith('readme-'));
    expect(specs.length).toBeGreaterThan(3);
    const copies = specs.map((name) => join(ROOT, 'tests', 'performance', `${process.pid}-docs-${name}`));
    const reportDir = mkdtempSync(join(tmpdir(), 'docs-examples-'));
    try {
      specs.forEach((name, i) => copyFileSync(join(dir, name), copies[i]!));
      const env = childEnv({
        WEBHOOK_STACK: 'embedded',
        WEBHOOK_URL: '',
        RATE_LIMIT: 'none',
        EMBEDDED_WEBHOOK_ENV: 'RATE_LIMIT_ALGORITHM=off',
        PERF_REPORT_DIR: reportDir,
        PERF_BASELINE: '',
        PERF_HISTORY: 'none',
      });
      const args = ['--project', 'performance', `--outputFile.junit=${join(reportDir, 'junit.xml')}`, ...copies];
      const { code, output } = await runVitest(args, env, 600_000);
      expect(code, output.slice(-6000)).toBe(0);
      expect(output).toMatch(new RegExp(`Test Files +${specs.length} passed`));
    } finally {
      for (const copy of copies) rmSync(copy, { force: true });
      rmSync(reportDir, { recursive: true, force: true });
    }
  }, 660_000);
});
