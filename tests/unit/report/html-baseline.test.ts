// The baseline section of the HTML page: verdict, method, and per figure the change with its interval.
import { describe, expect, it } from 'vitest';
import { compareWithBaseline } from '../../helpers/analysis/baseline.ts';
import { baselineSection } from '../../helpers/report/html-report.ts';
import { latencies, makeReport } from './fixtures.ts';

const options = { maxRegressionPercent: 50, maxSuccessDropPoints: 5, baselineSource: 'reports/baseline/standard.json' };
const before = makeReport('standard', { load: { latencies: latencies(100, 250) } });
/** What the report keeps: the comparison after a JSON round trip (NaN becomes null). */
const stored = (value: unknown) => JSON.parse(JSON.stringify(value));

describe('baselineSection', () => {
  it('shows the verdict, the method and each figure with its interval and verdict', () => {
    const slowed = makeReport('standard', { load: { latencies: latencies(100, 1250) } });
    const html = baselineSection(stored(compareWithBaseline(slowed, before, options)));
    expect(html).toContain('<h3>Against the baseline (reports/baseline/standard.json)</h3>');
    expect(html).toContain('<p class="fail" data-baseline-verdict="regression">3 regression(s)');
    expect(html).toContain('window-level comparison (baseline 1 run(s), this run 1): 95 % bootstrap intervals over 2000 resamples');
    expect(html).toContain('<th>95 % CI</th>');
    expect(html).toMatch(
      /<td>P50<\/td><td>249\.00<\/td><td>1245\.00<\/td><td>\+400\.0 %<\/td><td>\+\d+\.\d % to \+\d+\.\d %<\/td><td>\+50\.0 %<\/td>/,
    );
    expect(html).toContain('<td class="verdict action" data-verdict="regression">regression</td>');
    expect(html).toContain('<td class="verdict target" data-verdict="no change">no change</td>');
  });

  it('marks rows not judged and an inconclusive comparison', () => {
    const small = makeReport('standard', { load: { latencies: latencies(4, 100) } });
    const html = baselineSection(stored(compareWithBaseline(small, small, options)));
    expect(html).toContain('<p class="inconclusive" data-baseline-verdict="inconclusive">Inconclusive');
    expect(html).toContain('<td>not judged</td>');
    expect(html).toContain('<td class="verdict acceptable" data-verdict="inconclusive">not judged</td>');
    expect(html).toContain('too few latencies (4 and 4; needs 8 a side)');
  });

  it('still reads a comparison of an earlier version (rank-sum row, no intervals)', () => {
    const old = {
      spec: 'standard',
      baselineSource: 'old.json',
      baselineStartedAt: '2025-01-01T00:00:00.000Z',
      maxRegressionPercent: 50,
      maxSuccessDropPoints: 5,
      rows: [
        { phase: 'load', metric: 'latency rank-sum', baseline: 40, current: 40, change: 0.5, unit: 'z', regressed: false },
        { phase: 'load', metric: 'P50', baseline: 250, current: 900, change: 260, unit: '%', regressed: true },
      ],
      regressions: ['standard/load: P50 latency rose 260.0%'],
      notes: [],
      verdict: '1 regression(s) against the baseline',
    };
    const html = baselineSection(old as never);
    expect(html).toContain('<p class="fail" data-baseline-verdict="regression">1 regression(s) against the baseline</p>');
    expect(html).toContain('<td class="verdict action" data-verdict="regression">regression</td>');
    expect(html).toContain('<td>+0.5 z</td>');
    expect(baselineSection(undefined)).toBe('');
  });
});
