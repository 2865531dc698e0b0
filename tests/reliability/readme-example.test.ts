// The README's "Writing a load test of your own" example, run as written (issue 13): copied
// into tests/performance for the length of the test, run by the performance project against
// the embedded reference stack as configured by default (its rate limiter on), then removed.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { childEnv, ROOT, VITEST } from '../support/child-vitest.ts';

/** The first TypeScript block of the README's section on writing a spec. */
function readmeExample(): string {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Writing a load test of your own'));
  const match = /```ts\n([\s\S]*?)```/.exec(section);
  if (!match) throw new Error('README.md: no ```ts block under "## Writing a load test of your own"');
  return match[1]!;
}

describe("the README's custom spec", () => {
  it('runs as written against the default reference stack, and its report carries its title, thresholds and check', () => {
    const name = `${process.pid}.readme-example`;
    const file = join(ROOT, 'tests', 'performance', `${name}.spec.ts`);
    const reportDir = mkdtempSync(join(tmpdir(), 'readme-example-'));
    writeFileSync(file, readmeExample());
    try {
      // Only the request count is lowered (the example's own variable), so the test takes seconds.
      const env = childEnv({ WEBHOOK_STACK: 'embedded', WEBHOOK_URL: '', PERF_REPORT_DIR: reportDir, PERF_BASELINE: '', MY_REQUESTS: '6' });
      const run = spawnSync(
        process.execPath,
        [VITEST, 'run', '--project', 'performance', `--outputFile.junit=${join(reportDir, 'junit.xml')}`, file],
        { cwd: ROOT, env, encoding: 'utf8', timeout: 240_000 },
      );
      const output = `${run.stdout}${run.stderr}`;
      expect(run.status, output.slice(-4000)).toBe(0);
      const reportPath = join(reportDir, `${name}.json`);
      expect(existsSync(reportPath), output.slice(-2000)).toBe(true);
      const report = JSON.parse(readFileSync(reportPath, 'utf8'));
      expect(report.title).toBe('My load test');
      expect(report.summaries.load.sentRequests).toBe(6);
      expect(report.thresholds.map((t: { passed: boolean }) => t.passed)).toEqual([true, true]);
      expect(report.checks).toEqual([{ name: 'meets my targets', outcome: 'passed', detail: '' }]);
    } finally {
      rmSync(file, { force: true });
      rmSync(reportDir, { recursive: true, force: true });
    }
  });
});
