import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { historyEntryOf, historyLine } from '../../helpers/report/history.ts';
import { renderHtmlReport } from '../../helpers/report/html-report.ts';
import { trendSection } from '../../helpers/report/html-trend.ts';
import { writeHtmlFrom, writeHtmlReport } from '../../helpers/report/report-files.ts';
import { GIT, run, stepEntries } from './history-fixtures.ts';

const generatedAt = '2025-01-02T00:00:00.000Z';
const count = (html: string, needle: string) => html.split(needle).length - 1;
const ONE_RUN = 'One run of this target so far: the trend appears from the second run.';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'perf-trend-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('trendSection', () => {
  it('with one run says the trend comes with the second, and draws nothing', () => {
    const html = trendSection([historyEntryOf(run('standard', 0, 100), GIT)], 'standard');
    expect(html).toContain(ONE_RUN);
    expect(html).toContain('data-runs="1"');
    expect(html).not.toContain('<svg');
    expect(trendSection([], 'standard')).toContain(ONE_RUN);
    // the report being rendered is that one run, also before its line is written
    expect(trendSection([], 'standard', { current: run('standard', 0, 100) })).toContain(ONE_RUN);
  });

  it('with eight runs and a step draws P50, P95 and success rate, marks the change point and lists the runs', () => {
    const entries = [...stepEntries(), historyEntryOf(run('burst', 3, 50), GIT)];
    const html = trendSection(entries, 'standard');
    expect(html).toContain('data-runs="8"');
    for (const chart of ['trend-p50Ms', 'trend-p95Ms', 'trend-successRatePercent']) expect(html).toContain(`data-chart="${chart}"`);
    expect(count(html, 'class="point"')).toBe(24);
    expect(html).toContain('<g class="change-point" data-metric="p95Ms" data-run="5">');
    expect(html).toContain('<g class="change-point" data-metric="p50Ms" data-run="5">');
    expect(html).not.toContain('data-metric="successRatePercent"');
    expect(html).toMatch(/stroke-dasharray="4 3"\/><text [^>]*>\+\d+\.\d %<\/text>/);
    expect(html).toMatch(/<li>P95 rose \d+\.\d % at run 5 \(2025-01-01 00:04, a1b2c3d\)/);
    expect(count(html, '<tr data-run=')).toBe(8);
    expect(html.indexOf('<tr data-run="8">')).toBeLessThan(html.indexOf('<tr data-run="1">')); // latest first
    // the change point's line sits between run 4 and run 5
    const xOf = (run: number) =>
      Number(new RegExp(`data-chart="trend-p95Ms"[\\s\\S]*?class="point" data-run="${run}" cx="([0-9.]+)"`).exec(html)?.[1]);
    const line = Number(/data-metric="p95Ms"[\s\S]*?<line x1="([0-9.]+)"/.exec(html)?.[1]);
    expect(line).toBeGreaterThan(xOf(4));
    expect(line).toBeLessThan(xOf(5));
  });

  it('says when nothing changed, and leaves out runs started after the report', () => {
    const flat = [100, 101, 99, 100, 102, 98, 100].map((m, i) => historyEntryOf(run('standard', i, m), GIT));
    expect(trendSection(flat, 'standard')).toContain('No change point in P50, P95 or success rate over these 7 runs.');
    const html = trendSection(stepEntries(), 'standard', { current: run('standard', 2, 98) });
    expect(html).toContain('data-runs="3"');
  });

  it('escapes what the history holds', () => {
    const entries = stepEntries().map((e) => ({ ...e, phases: e.phases.map((p) => ({ ...p, phase: '<img src=x onerror=alert(1)>' })) }));
    const html = trendSection(entries, 'standard');
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });
});

describe('the HTML report with a history', () => {
  it('shows each spec its own trend, and the note without a history', () => {
    const report = run('standard', 7, 141);
    const withHistory = renderHtmlReport([report], { generatedAt, history: stepEntries() });
    expect(withHistory).toContain('<section class="trend" data-runs="8" data-change-points="2">');
    const without = renderHtmlReport([report, run('burst', 8, 50)], { generatedAt });
    expect(count(without, ONE_RUN)).toBe(2);
  });

  it('writeHtmlFrom and writeHtmlReport read <dir>/history.jsonl, unless told otherwise', async () => {
    const report = run('standard', 7, 141);
    await writeFile(join(dir, 'standard.json'), JSON.stringify(report));
    await writeFile(join(dir, 'history.jsonl'), `${stepEntries().map(historyLine).join('')}not json\n`);
    const path = writeHtmlFrom(dir, [report], { generatedAt });
    expect(await readFile(path, 'utf8')).toContain('data-runs="8"');
    writeHtmlFrom(dir, [report], { generatedAt, historyPath: null });
    expect(await readFile(path, 'utf8')).toContain('No history is kept (PERF_HISTORY=none)');
    writeHtmlFrom(dir, [report], { generatedAt, history: stepEntries().slice(4) });
    expect(await readFile(path, 'utf8')).toContain('data-runs="4"');
    writeHtmlReport(dir, { currentRun: report.runStartedAt, generatedAt });
    expect(await readFile(path, 'utf8')).toContain('data-runs="8"');
    writeHtmlFrom(dir, [report], { generatedAt, historyPath: join(dir, 'missing.jsonl') });
    expect(await readFile(path, 'utf8')).toContain(ONE_RUN);
  });
});

describe('the trend with no history kept', () => {
  it('says PERF_HISTORY=none instead of promising a trend from the second run', async () => {
    const { renderHtmlReport } = await import('../../helpers/report/html-report.ts');
    const { makeReport } = await import('./fixtures.ts');
    const html = renderHtmlReport([makeReport('standard', { load: { latencies: [10, 20] } })], { generatedAt: 'now', history: null });
    expect(html).toContain('No history is kept (PERF_HISTORY=none)');
    expect(html).not.toContain('One run so far');
  });
});
