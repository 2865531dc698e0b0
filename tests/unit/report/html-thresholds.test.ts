// The thresholds' one evaluation as the HTML shows it and as the matcher judges it.
import { describe, expect, it } from 'vitest';
import { evaluateThresholds, type Threshold } from '../../helpers/analysis/thresholds.ts';
import { thresholdsTable } from '../../helpers/report/html-report.ts';
import '../../helpers/vitest/matchers.ts';
import { resultsOf } from './fixtures.ts';

const load = resultsOf({ latencies: [100, 120, 140, 160], failures: { 1: 503 } }).getSummary();
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

  it('toPassThresholds passes when all pass and otherwise names each failed threshold with its figure', () => {
    expect(evaluateThresholds(thresholds.slice(0, 1), { load })).toPassThresholds();
    expect(() => expect(evaluateThresholds(thresholds, { load })).toPassThresholds()).toThrow(
      '1 of 2 thresholds failed: load: Failed requests = 0 (measured 1)',
    );
    expect(() => expect([]).toPassThresholds()).toThrow(/recorder.judge/);
  });
});
