// The Markdown summary of a run (reports/performance/summary.md and GitHub's job summary).
import { describe, expect, it } from 'vitest';
import { evaluateThresholds, type Threshold } from '../../helpers/analysis/thresholds.ts';
import { readSummaries } from '../../helpers/engine/summary.ts';
import { baselineText, cell, ciVerdict, renderCiSummary } from '../../helpers/report/ci-summary.ts';
import type { RepeatsRecord, SpecReport } from '../../helpers/report/json-report.ts';
import { latencies, makeReport } from './fixtures.ts';

const THRESHOLDS: Threshold[] = [
  { metric: 'successRatePercent', phase: 'load', op: '>=', value: 95 },
  { metric: 'p95Ms', phase: 'load', op: '<', value: 5000 },
];

function judged(report: SpecReport): SpecReport {
  return { ...report, thresholds: evaluateThresholds(THRESHOLDS, readSummaries(report.summaries)) };
}

const passed = judged(makeReport('standard', { load: { latencies: latencies(100, 200) }, recovery: { latencies: latencies(10, 50) } }));
const failed = judged(
  makeReport(
    'sustained',
    { load: { latencies: latencies(40, 6000), failures: { 1: 503, 2: 503, 3: 503 } } },
    {
      startedAt: '2025-01-01T00:02:00.000Z',
      checks: [
        { name: 'keeps success >= 95%', outcome: 'failed', detail: 'success rate 92.5 % (37 of 40)' },
        { name: 'RSS growth < 64 MB', outcome: 'passed', detail: '' },
      ],
    },
  ),
);

/** The table row of `spec` in `markdown`. */
function rowOf(markdown: string, spec: string): string {
  const row = markdown.split('\n').find((l) => l.startsWith(`| ${spec} `) || l.startsWith(`| [${spec}]`));
  if (row === undefined) throw new Error(`no row for ${spec} in:\n${markdown}`);
  return row;
}

/** The cells of a table row, split on the pipes that are not escaped. */
const cellsOf = (row: string) =>
  row
    .slice(2, -2)
    .split(/(?<!\\) \| /)
    .map((c) => c.trim());

describe('renderCiSummary', () => {
  it('heads the summary with the run start and provider and gives one row per spec with its verdict and main-phase figures', () => {
    const md = renderCiSummary([passed, failed]);
    expect(md.split('\n')[0]).toBe('## Performance run of 2025-01-01T00:00:00.000Z on embedded');
    expect(md).toContain('**2 specs: 1 passed, 1 failed** · checks 2 passed, 1 failed');
    const header = md.split('\n').find((l) => l.startsWith('| Spec'))!;
    expect(cellsOf(header)).toEqual([
      'Spec (main phase)',
      'Verdict',
      'Sent',
      'Success',
      'P50 / P95 / P99',
      'Rate',
      'Thresholds',
      'Repeats',
      'Baseline',
      'History',
    ]);
    const s = readSummaries(passed.summaries).load!;
    const cells = cellsOf(rowOf(md, 'standard'));
    expect(cells.slice(0, 7)).toEqual([
      'standard (load)', // the first phase, not recovery
      '✅ passed',
      '100',
      '100.0 %',
      `${s.responseTimes.p50Ms.toFixed(1)} / ${s.responseTimes.p95Ms.toFixed(1)} / ${s.responseTimes.p99Ms.toFixed(1)} ms`,
      `${s.achievedRps.toFixed(2)}/s`,
      '2/2 pass',
    ]);
    expect(cells.slice(7)).toEqual(['–', '–', '–']);
    expect(renderCiSummary([passed])).not.toContain('### Failures');
  });

  it('names a failed threshold with its measured figure and the limit, and lists the failed checks', () => {
    const md = renderCiSummary([passed, failed]);
    const p95 = readSummaries(failed.summaries).load!.responseTimes.p95Ms;
    const p95Text = Number.isInteger(p95) ? String(p95) : p95.toFixed(1);
    const cells = cellsOf(rowOf(md, 'sustained'));
    expect(cells[1]).toBe('❌ failed');
    expect(cells[3]).toBe('92.5 %');
    expect(cells[6]).toBe(`0/2 pass; ❌ load: Success rate 92.50%, expected >= 95%; load: P95 latency ${p95Text} ms, expected < 5000 ms`);
    expect(md).toContain('### Failures\n\n- **sustained**: keeps success >= 95%: success rate 92.5 % (37 of 40)\n');
  });

  it('tells error and aborted apart from failed, with the error message', () => {
    const error = makeReport(
      'burst',
      { load: { latencies: [10] } },
      { status: 'error', error: 'stack went away\n    at x.ts:1', checks: [] },
    );
    const aborted = makeReport('profile', { load: { latencies: [10] } }, { status: 'aborted', checks: [] });
    expect(ciVerdict(error)).toBe('error');
    expect(ciVerdict(aborted)).toBe('aborted');
    expect(ciVerdict(failed)).toBe('failed');
    const md = renderCiSummary([error, aborted]);
    expect(cellsOf(rowOf(md, 'burst'))[1]).toBe('💥 error');
    expect(cellsOf(rowOf(md, 'profile'))[1]).toBe('⚠️ aborted');
    expect(md).toContain('**2 specs: 1 aborted, 1 error**');
    expect(md).toContain('- **burst** (error): stack went away\n');
    expect(md).toContain('- **profile**: stopped before its end\n');
  });

  it("shows the repeats' run count, the P95 median with its range, the CV and the consistency verdict", () => {
    const repeats: RepeatsRecord = {
      count: 3,
      runs: [0, 1, 2].map(() => ({ summaries: passed.summaries, timelines: {} })),
      medianRun: 1,
      medianRule: 'the median P95',
      spread: [
        { phase: 'load', metric: 'p50Ms', values: [1, 2, 3], median: 2, min: 1, max: 3, cvPercent: 50 },
        { phase: 'load', metric: 'p95Ms', values: [250, 262.25, 301], median: 262.25, min: 250, max: 301, cvPercent: 9.61 },
      ],
      consistency: { verdict: 'inconsistent', rule: 'CV <= 10 %', reasons: ['P50 CV 50 %'] },
    };
    const md = renderCiSummary([{ ...passed, repeats }]);
    expect(cellsOf(rowOf(md, 'standard'))[7]).toBe('3 runs, P95 262.3 ms (250.0–301.0), CV 9.6 %, inconsistent');
  });

  it('shows a baseline regression (the reworked verdict, and the sentence of today)', () => {
    const regression = {
      ...failed,
      extra: { baseline: { kind: 'regression', verdict: 'load: P95 rose 40.0% [31.2, 52.0]' } },
    };
    expect(cellsOf(rowOf(renderCiSummary([regression]), 'sustained'))[8]).toBe('❌ **regression**: load: P95 rose 40.0% [31.2, 52.0]');
    const today = {
      verdict: '1 regression(s) against the baseline of 2024-12-01T00:00:00.000Z: load: P95 latency rose 40.0%.',
      regressions: ['load: P95 latency rose 40.0%'],
    };
    expect(baselineText(today)).toBe(`❌ ${today.verdict}`);
    expect(baselineText({ kind: 'no change', verdict: 'P95 within 5 %' })).toBe('**no change**: P95 within 5 %');
    expect(baselineText({ kind: 'inconclusive' })).toBe('**inconclusive**');
    expect(baselineText({ verdict: 'No regression against the baseline.', regressions: [] })).toBe('No regression against the baseline.');
    expect(baselineText(undefined)).toBeUndefined();
    expect(baselineText({ rows: [] })).toBeUndefined();
  });

  it("shows the history's previous figures against this run's, and its change points", () => {
    const s = readSummaries(passed.summaries).load!;
    const md = renderCiSummary([passed, failed], {
      history: {
        standard: {
          previous: { p95Ms: 190, successRatePercent: 99, startedAt: '2024-12-31T00:00:00.000Z' },
          changePoints: ['P95 rose at run 4'],
        },
      },
    });
    expect(cellsOf(rowOf(md, 'standard'))[9]).toBe(
      `P95 190.0 → ${s.responseTimes.p95Ms.toFixed(1)} ms, success 99.0 → 100.0 % (since 2024-12-31T00:00:00.000Z); change points: P95 rose at run 4`,
    );
    expect(cellsOf(rowOf(md, 'sustained'))[9]).toBe('–');
  });

  it('escapes pipes, backslashes and line breaks in cells, and HTML tags anywhere', () => {
    expect(cell('a|b\\|c\nd\r\n  e')).toBe('a\\|b\\\\\\|c d e');
    expect(cell('<script>x</script> < 5000')).toBe('&lt;script>x&lt;/script> < 5000');
    const odd = {
      ...passed,
      spec: 'odd|spec',
      status: 'error' as const,
      error: '<img src=x> broke | badly',
      extra: { baseline: { verdict: 'slower | by\na lot' } },
    };
    const md = renderCiSummary([odd], { history: { 'odd|spec': { changePoints: ['up | down'] } } });
    const row = md.split('\n').find((l) => l.startsWith('| odd'))!;
    const cells = cellsOf(row);
    expect(cells).toHaveLength(10);
    expect(cells[0]).toBe('odd\\|spec (load)');
    expect(cells[8]).toBe('slower \\| by a lot');
    expect(cells[9]).toBe('change points: up \\| down');
    expect(md).toContain('- **odd|spec** (error): &lt;img src=x> broke | badly');
  });

  it('links the artifacts: each spec to its JSON, and the HTML and JUnit files below the table', () => {
    const md = renderCiSummary([passed], {
      artifacts: {
        index: 'index.html',
        specs: { standard: 'standard.json' },
        junit: ['../junit-performance.xml'],
        base: 'reports/performance',
      },
    });
    expect(cellsOf(rowOf(md, 'standard'))[0]).toBe('[standard](standard.json) (load)');
    expect(md).toContain(
      'Artifacts (paths relative to `reports/performance`): [index.html](index.html) · [standard.json](standard.json) · [junit-performance.xml](../junit-performance.xml)',
    );
  });

  it('says so when no spec wrote a report, and reads a report without summaries', () => {
    expect(renderCiSummary([])).toContain('No spec report was written in this run.');
    const empty = makeReport('custom', {}, { status: 'aborted', checks: [] });
    const cells = cellsOf(rowOf(renderCiSummary([empty]), 'custom'));
    expect(cells.slice(0, 6)).toEqual(['custom', '⚠️ aborted', '–', '–', '–', '–']);
  });
});
