// Repeats, history and the CI summary end to end: the standard spec run twice in a row with PERF_REPEAT=3 against the
// embedded reference stack (its limiter off: the runs need no waits) into one report directory.
// Each run must show the spread and the verdicts in the console, the JSON and the HTML; the two
// runs must leave two history entries and a trend in the HTML; summary.md must carry both.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { childEnv, runVitest } from '../support/child-vitest.ts';

const reportDir = mkdtempSync(join(tmpdir(), 'repeats-history-'));
afterAll(() => rmSync(reportDir, { recursive: true, force: true }));

const env = childEnv({
  WEBHOOK_STACK: 'embedded',
  WEBHOOK_URL: '',
  PERF_BASELINE: '',
  PERF_HISTORY: '',
  PERF_REPORT_DIR: reportDir,
  PERF_REPEAT: '3',
  STANDARD_REQUESTS: '20',
  STANDARD_RATE_PER_MIN: '1200',
  RATE_LIMIT: 'none',
  EMBEDDED_WEBHOOK_ENV: 'RATE_LIMIT_REQUESTS=1000000',
});
const run = () =>
  runVitest(
    ['--project', 'performance', `--outputFile.junit=${join(reportDir, 'junit.xml')}`, 'tests/performance/standard.spec.ts'],
    env,
    180_000,
  );

describe('PERF_REPEAT=3, twice in a row', () => {
  it('shows the spread and verdicts in the console, JSON and HTML, and keeps a history with a trend', async () => {
    const first = await run();
    expect(first.code, first.output.slice(-4000)).toBe(0);
    // load() runs the plan three times inside the one test: each run's figures are shown, and the
    // test's one verdict is the median run's (no run is reported as a test of its own).
    for (const i of [1, 2, 3]) expect(first.output).toContain(`req/min, run ${i} of 3`);
    expect(first.output).toMatch(/\[perf\] load: the median run is run [123] of 3 \(its P95 is the median\)/);
    expect(first.output).toMatch(/pass {2}load: P95 latency < 5000 ms \(measured [\d.]+ ms\) \[median run [123] of 3\]/);
    expect(first.output).toMatch(/Tests {2}1 passed \(1\)/);
    expect(first.output).toMatch(/Repeats: 3 of 3 runs recorded figures; the median run is run [123]/);
    expect(first.output).toMatch(/load\s+P95 ms\s+[\d.]+\s+[\d.]+-[\d.]+\s+[\d.]+%/);
    expect(first.output).toMatch(/Consistency: (CONSISTENT|INCONSISTENT)/);

    const report = JSON.parse(readFileSync(join(reportDir, 'standard.json'), 'utf8'));
    expect(report.repeats.count).toBe(3);
    expect(report.repeats.runs).toHaveLength(3);
    for (const r of report.repeats.runs) expect(r.summaries.load.sentRequests).toBe(20);
    expect(report.summaries).toEqual(report.repeats.runs[report.repeats.medianRun].summaries);
    const p95 = report.repeats.spread.find((row: { phase: string; metric: string }) => row.phase === 'load' && row.metric === 'p95Ms');
    expect(p95.values).toHaveLength(3);
    expect(['consistent', 'inconsistent']).toContain(report.repeats.consistency.verdict);
    expect(report.thresholds.every((t: { text: string }) => t.text.includes(`[median run ${report.repeats.medianRun + 1} of 3]`))).toBe(
      true,
    );
    const firstHtml = readFileSync(join(reportDir, 'index.html'), 'utf8');
    expect(firstHtml).toContain('<section class="repeats" data-runs="3"');
    expect(firstHtml).toMatch(/<th>run [123] \(median\)<\/th>/);

    const second = await run();
    expect(second.code, second.output.slice(-4000)).toBe(0);
    const history = readFileSync(join(reportDir, 'history.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(history.map((entry) => entry.spec)).toEqual(['standard', 'standard']);
    expect(history[0].startedAt < history[1].startedAt).toBe(true);
    expect(JSON.stringify(history)).not.toContain('test_secret_key_12345');
    const html = readFileSync(join(reportDir, 'index.html'), 'utf8');
    expect(html).toContain('<section class="trend" data-runs="2"');

    expect(existsSync(join(reportDir, 'summary.md'))).toBe(true);
    const summary = readFileSync(join(reportDir, 'summary.md'), 'utf8');
    expect(summary).toMatch(/\| \[standard\]\(standard\.json\) \(load\) \| ✅ passed \|/);
    expect(summary).toMatch(/3 runs, P95 [\d.]+ ms/);
    expect(summary).toMatch(/P95 [\d.]+ → [\d.]+ ms/); // the change since the first run, from the history
  }, 400_000);
});
