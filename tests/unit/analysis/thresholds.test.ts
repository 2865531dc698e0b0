// Thresholds as data: one evaluation over the runs' summaries, read by every output.
import { describe, expect, it } from 'vitest';
import { describeThreshold, evaluateThresholds, formatThresholds, measure, type Threshold } from '../../helpers/analysis/thresholds.ts';
import { resultsOf } from '../report/fixtures.ts';

const load = resultsOf({ latencies: Array.from({ length: 20 }, (_, i) => 100 + i * 10), failures: { 3: 500 } }).getSummary();

describe('thresholds', () => {
  it('reads each metric from the summary of its phase', () => {
    expect(measure('successRatePercent', load)).toBe(95);
    expect(measure('failures', load)).toBe(1);
    expect(measure('p95Ms', load)).toBe(load.responseTimes.p95Ms);
    expect(measure('throughputPerMinute', load)).toBeCloseTo((19 / load.durationSeconds) * 60);
    expect(measure('degradationPercent', load)).toBeNaN(); // needs the samples: given by the spec
    expect(measure('degradationPercent', load, { degradationPercent: 12 })).toBe(12);
  });

  it('passes and fails each threshold with the figure in its text', () => {
    const thresholds: Threshold[] = [
      { metric: 'successRatePercent', phase: 'load', op: '>=', value: 95 },
      { metric: 'p95Ms', phase: 'load', op: '<', value: 200 },
      { metric: 'failures', phase: 'load', op: '==', value: 0 },
    ];
    const results = evaluateThresholds(thresholds, { load });
    expect(results.map((r) => r.passed)).toEqual([true, false, false]);
    expect(results[0]!.text).toBe('load: Success rate >= 95% (measured 95%)');
    expect(results[1]!.text).toMatch(/^load: P95 latency < 200 ms \(measured 2\d\d(\.\d)? ms\)$/);
    expect(results[2]!.text).toBe('load: Failed requests = 0 (measured 1)');
    expect(formatThresholds(results).split('\n')).toEqual([
      'Thresholds:',
      `  pass  ${results[0]!.text}`,
      `  FAIL  ${results[1]!.text}`,
      `  FAIL  ${results[2]!.text}`,
    ]);
  });

  it('fails a threshold whose figure cannot be measured, and says why', () => {
    const [missing, degraded] = evaluateThresholds(
      [
        { metric: 'p95Ms', phase: 'recovery', op: '<', value: 5000 },
        { metric: 'degradationPercent', phase: 'load', op: '<', value: 50 },
      ],
      { load },
    );
    expect(missing).toMatchObject({ passed: false, text: 'recovery: P95 latency < 5000 ms (not measured: no run "recovery")' });
    expect(degraded).toMatchObject({ passed: false, text: 'load: Latency degradation < 50% (not measured)' });
    expect(describeThreshold({ metric: 'degradationPercent', op: '<', value: 50 })).toBe('Latency degradation < 50%');
  });
});
