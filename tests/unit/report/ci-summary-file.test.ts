// summary.md beside the reports, GITHUB_STEP_SUMMARY when set, and the reporter writing both.
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestModule, Vitest } from 'vitest/node';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { writeCiSummary } from '../../helpers/report/ci-summary-file.ts';
import { PerfHtmlReporter, REPORT_META } from '../../helpers/vitest/reporter.ts';
import type { SpecReport } from '../../helpers/report/json-report.ts';
import { latencies, makeReport } from './fixtures.ts';

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'ci-summary-'));
  dirs.push(dir);
  return dir;
}

afterEach(async () => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

const standard = makeReport('standard', { load: { latencies: latencies(20, 100) } });
const burst = makeReport('burst', { load: { latencies: latencies(20, 100) } }, { startedAt: '2025-01-01T00:03:00.000Z' });

describe('writeCiSummary', () => {
  it('writes <dir>/summary.md (reports in start order, linked beside it) and leaves GITHUB_STEP_SUMMARY alone when it is not set', async () => {
    const dir = await tempDir();
    const written = await writeCiSummary(dir, [burst, standard], { env: {}, junitFiles: [join(dir, '..', 'junit-performance.xml')] });
    expect(written).toEqual({ path: join(dir, 'summary.md') });
    const text = await readFile(written.path, 'utf8');
    expect(text.indexOf('[standard](standard.json)')).toBeGreaterThan(0);
    expect(text.indexOf('[standard](standard.json)')).toBeLessThan(text.indexOf('[burst](burst.json)'));
    expect(text).toContain(
      '[index.html](index.html) · [standard.json](standard.json) · [burst.json](burst.json) · [junit-performance.xml](../junit-performance.xml)',
    );
    expect(await readdir(dir)).toEqual(['summary.md']); // no temporary file left
  });

  it('appends the same Markdown to the GITHUB_STEP_SUMMARY file, after what is already there', async () => {
    const dir = await tempDir();
    const step = join(await tempDir(), 'step_summary');
    await writeFile(step, '# an earlier step\n');
    const written = await writeCiSummary(dir, [standard], { env: { GITHUB_STEP_SUMMARY: step } });
    expect(written.stepSummary).toBe(step);
    const markdown = await readFile(written.path, 'utf8');
    expect(markdown.startsWith('## Performance run of 2025-01-01T00:00:00.000Z on embedded\n')).toBe(true);
    expect(await readFile(step, 'utf8')).toBe(`# an earlier step\n${markdown}\n`);
    await writeCiSummary(dir, [standard], { env: { GITHUB_STEP_SUMMARY: step } });
    expect(await readFile(step, 'utf8')).toBe(`# an earlier step\n${markdown}\n${markdown}\n`);
  });

  it('treats an empty GITHUB_STEP_SUMMARY as unset', async () => {
    const dir = await tempDir();
    expect(await writeCiSummary(dir, [standard], { env: { GITHUB_STEP_SUMMARY: '' } })).toEqual({ path: join(dir, 'summary.md') });
  });
});

describe('PerfHtmlReporter', () => {
  it('writes summary.md beside index.html at the end of a run, appends it to GITHUB_STEP_SUMMARY and prints its path', async () => {
    const dir = await tempDir();
    const step = join(dir, 'step_summary');
    vi.stubEnv('GITHUB_STEP_SUMMARY', step);
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    const report: SpecReport = { ...standard, config: { ...standard.config, reportDir: dir } };
    const module = {
      meta: () => ({ [REPORT_META]: report }),
      project: { name: 'performance', getProvidedContext: () => ({}) },
    } as unknown as TestModule;
    const reporter = new PerfHtmlReporter();
    reporter.onInit({ config: { root: dir, outputFile: undefined } } as unknown as Vitest);
    await reporter.onTestRunEnd([module]);
    expect(existsSync(join(dir, 'index.html'))).toBe(true);
    const summary = await readFile(join(dir, 'summary.md'), 'utf8');
    expect(summary).toContain('| [standard](standard.json) (load) | ✅ passed |');
    // The JUnit file of the project, reports/junit-performance.xml under the root, relative to the report directory.
    expect(summary).toContain(`[junit-performance.xml](${join('reports', 'junit-performance.xml')})`);
    expect(await readFile(step, 'utf8')).toBe(`${summary}\n`);
    expect(log).toHaveBeenCalledWith(`[perf] CI summary: ${join(dir, 'summary.md')}`);
  });

  it('writes nothing when no performance spec handed over a report (a unit run)', async () => {
    const dir = await tempDir();
    const step = join(dir, 'step_summary');
    vi.stubEnv('GITHUB_STEP_SUMMARY', step);
    const module = { meta: () => ({}), project: { name: 'unit', getProvidedContext: () => ({}) } } as unknown as TestModule;
    await new PerfHtmlReporter().onTestRunEnd([module]);
    expect(existsSync(step)).toBe(false);
  });
});
