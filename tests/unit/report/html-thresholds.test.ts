// The thresholds' one evaluation as the HTML shows it and as the matcher judges it.
import { describe, expect, it } from 'vitest';
import { evaluateThresholds, formatThresholds, type Threshold } from '../../helpers/analysis/thresholds.ts';
import { renderCiSummary } from '../../helpers/report/ci-summary.ts';
import { historyEntryOf } from '../../helpers/report/history.ts';
import { thresholdsTable } from '../../helpers/report/html-report.ts';
import type { LoadRun } from '../../helpers/vitest/load.ts';
import '../../helpers/vitest/matchers.ts';
import { makeReport, resultsOf } from './fixtures.ts';

const load = resultsOf({ latencies: [100, 120, 140, 160], failures: { 1: 503 } }).getSummary();
/** What load() would return for that phase (no recorder: the matcher only judges). */
const run = { phase: 'load', repetition: 0, summary: load, runs: [] } as unknown as LoadRun;
const thresholds: Threshold[] = [
  { metric: 'successRatePercent', phase: 'load', op: '>=', value: 50 },
  { metric: 'failures', phase: 'load', op: '==', value: 0 },
];

describe('thresholds in the HTML and the matcher', () => {
  it('shows each threshold with its figure and verdict', () => {
    const html = thresholdsTable(evaluateThresholds(thresholds, { load }));
    expect(html).toContain('<h3>Thresholds</h3>');
    expect(html).toContain('<td>Success rate &gt;= 50%</td><td>75.00</td><td class="verdict target">pass</td>');
    expect(html).toContain('<td>Failed requests = 0</td><td>1.00</td><td class="verdict action">fail</td>');
  });

  it('toMeet passes when all hold and otherwise names each failed threshold with its figure', () => {
    expect(run).toMeet({ successRatePercent: ['>=', 50] });
    expect(() => expect(run).toMeet({ successRatePercent: ['>=', 50], failures: ['==', 0] })).toThrow(
      '1 of 2 thresholds failed: load: Failed requests = 0 (measured 1)',
    );
  });
});

describe("a warn threshold (the suite's targets) in every output", () => {
  // The failure and the success rate fail; the P50 target misses and only warns; the P95 target holds.
  const results = evaluateThresholds(
    [
      ...thresholds,
      { metric: 'p50Ms', phase: 'load', op: '<', value: 1, severity: 'warn' },
      { metric: 'p95Ms', phase: 'load', op: '<', value: 5000, severity: 'warn' },
    ],
    { load },
  );

  it('the HTML shows warn (not fail) for a missed one, and marks every warn row', () => {
    const html = thresholdsTable(results);
    expect(html).toMatch(/<td>P50 latency &lt; 1 ms \(warn only\)<\/td><td>[\d.]+<\/td><td class="verdict acceptable">warn<\/td>/);
    expect(html).toMatch(/<td>P95 latency &lt; 5000 ms \(warn only\)<\/td><td>[\d.]+<\/td><td class="verdict target">pass<\/td>/);
    expect(html).toContain('<td>Failed requests = 0</td><td>1.00</td><td class="verdict action">fail</td>');
  });

  it('summary.md counts it and names it as a warning; the spec row keeps its own verdict', () => {
    const onlyWarn = results.filter((r) => r.metric !== 'failures');
    const report = makeReport('custom', { load: { latencies: [100, 120, 140, 160], failures: { 1: 503 } } }, { thresholds: onlyWarn });
    const markdown = renderCiSummary([report]);
    expect(markdown).toContain('| ✅ passed |');
    expect(markdown).toMatch(/\| 2\/3 pass; ⚠️ warn: load: P50 latency [\d.]+ ms, expected < 1 ms \|/);
    expect(markdown).not.toContain('❌');
  });

  it('the console says warn; the history line keeps the severity', () => {
    expect(formatThresholds(results)).toMatch(/\n {2}warn {2}load: P50 latency < 1 ms \(measured [\d.]+ ms\) \(warn only\)/);
    const entry = historyEntryOf(makeReport('custom', { load: { latencies: [100, 120] } }, { thresholds: results }), undefined);
    expect(entry.thresholds?.map((t) => [t.metric, t.passed, t.severity])).toEqual([
      ['successRatePercent', true, undefined],
      ['failures', false, undefined],
      ['p50Ms', false, 'warn'],
      ['p95Ms', true, 'warn'],
    ]);
  });

  it('toMeet passes with only a warn missed, and fails on a fail threshold naming the warnings after', () => {
    expect(run).toMeet({ successRatePercent: ['>=', 50], p50Ms: ['<', 1, 'warn'], p95Ms: ['<', 5000, 'warn'] });
    expect(() =>
      expect(run).toMeet({ successRatePercent: ['>=', 50], failures: ['==', 0], p50Ms: ['<', 1, 'warn'], p95Ms: ['<', 5000, 'warn'] }),
    ).toThrow(
      /^1 of 2 thresholds failed: load: Failed requests = 0 \(measured 1\); warnings \(not failures\): load: P50 latency < 1 ms \(measured [\d.]+ ms\)/,
    );
  });
});
