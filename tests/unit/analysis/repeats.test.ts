// Repeated runs: spread, consistency and the median run (analysis/repeats.ts), and their HTML.
import { describe, expect, it } from 'vitest';
import { consistencyOf, cvPercent, formatRepeats, medianRunIndex, repeatsRecord, spreadOf } from '../../helpers/analysis/repeats.ts';
import { repeatsSection } from '../../helpers/report/html-repeats.ts';
import type { RunFigures } from '../../helpers/report/json-report.ts';

/** A run with one phase's headline figures (the fields the spread reads). */
function run(p95: number, { phase = 'load', p50 = p95 / 2, success = 100 } = {}): RunFigures {
  const summary = {
    sentRequests: 100,
    completedRequests: 100,
    achievedRps: 1.67,
    successRatePercent: success,
    responseTimes: { p50Ms: p50, p95Ms: p95, p99Ms: p95 * 1.2, maxMs: p95 * 2, minMs: 1, meanMs: p50 },
  };
  return { summaries: { [phase]: summary }, timelines: {} };
}

const RULE = { maxCvPercent: 20, maxSuccessRangePoints: 5 };

describe('the spread of repeated runs', () => {
  it('gives median, min-max and the coefficient of variation of each figure, per phase', () => {
    const rows = spreadOf([run(100), run(120), run(110)]);
    const p95 = rows.find((r) => r.phase === 'load' && r.metric === 'p95Ms')!;
    expect(p95).toMatchObject({ values: [100, 120, 110], median: 110, min: 100, max: 120 });
    expect(p95.cvPercent).toBeCloseTo(9.09, 1); // sd 10 over mean 110
    expect(rows.map((r) => r.metric)).toEqual(['p50Ms', 'p95Ms', 'p99Ms', 'successRatePercent', 'achievedRps']);
  });

  it('cv: NaN for one value, 0 for equal values, no division by a zero mean', () => {
    expect(cvPercent([5])).toBeNaN();
    expect(cvPercent([3, 3, 3])).toBe(0);
    expect(cvPercent([0, 0])).toBe(0);
    expect(cvPercent([-1, 1])).toBeNaN();
  });

  it('a phase only some runs reached counts only those runs', () => {
    const rows = spreadOf([run(100), { summaries: {}, timelines: {} }, run(90, { phase: 'recovery' })]);
    expect(rows.find((r) => r.phase === 'load' && r.metric === 'p95Ms')).toMatchObject({ values: [100], runs: [0] });
    expect(rows.find((r) => r.phase === 'recovery' && r.metric === 'p95Ms')).toMatchObject({ values: [90], runs: [2] });
  });
});

describe('the median run', () => {
  it('is the run whose P95 is the median; with an even count the slower of the middle two', () => {
    expect(medianRunIndex([run(300), run(100), run(200)], 'load')).toBe(2);
    // sorted 100, 200, 300, 400: the slower middle one is 300, run index 3
    expect(medianRunIndex([run(100), run(400), run(200), run(300)], 'load')).toBe(3);
  });

  it('runs without the phase do not count; with none, the last run', () => {
    expect(medianRunIndex([{ summaries: {}, timelines: {} }, run(100), run(200)], 'load')).toBe(2);
    expect(medianRunIndex([run(1, { phase: 'other' }), run(2, { phase: 'other' })], 'load')).toBe(1);
  });

  it('a run of the phase that got no answer ranks slowest: two failed runs of three make a failed median run', () => {
    expect(medianRunIndex([run(100), run(Number.NaN, { success: 0 }), run(Number.NaN, { success: 0 })], 'load')).toBe(1);
    expect(medianRunIndex([run(100), run(120), run(Number.NaN, { success: 0 })], 'load')).toBe(1);
  });
});

describe('consistency', () => {
  it('is consistent when P50 and P95 vary within the limit and the success rate within 5 points', () => {
    const verdict = consistencyOf(spreadOf([run(100), run(105), run(98)]), RULE);
    expect(verdict.verdict).toBe('consistent');
    expect(verdict.rule).toMatch(/at most 20%.*PERF_REPEAT_MAX_CV_PERCENT.*5 points/);
  });

  it('names the phase and the figure that varied too much', () => {
    const verdict = consistencyOf(spreadOf([run(100), run(200), run(100)]), RULE);
    expect(verdict.verdict).toBe('inconsistent');
    expect(verdict.reasons.join(' ')).toMatch(/load: P95 varies by 4\d\.\d% across the runs \(100\.0-200\.0 ms; at most 20%\)/);
    const success = consistencyOf(spreadOf([run(100), run(100, { success: 90 })]), RULE);
    expect(success.reasons.join(' ')).toMatch(/load: the success rate ranges over 10\.0 points/);
  });

  it('one run is not judged', () => {
    expect(consistencyOf(spreadOf([run(100)]), RULE).verdict).toBe('not judged');
  });
});

describe('the record and its rendering', () => {
  const record = repeatsRecord(3, [run(100), run(130), run(110)], 'load', RULE);

  it('keeps every run, the median run and the rule', () => {
    expect(record).toMatchObject({ count: 3, medianRun: 2 });
    expect(record.runs).toHaveLength(3);
    expect(record.medianRule).toMatch(/median.*judged phase: load/);
  });

  it('prints the spread, the median run and the verdict', () => {
    const text = formatRepeats(record);
    expect(text).toMatch(/Repeats: 3 of 3 runs recorded figures; the median run is run 3/);
    expect(text).toMatch(/load\s+P95 ms\s+110\.0\s+100\.0-130\.0\s+13\.\d%\s+100\.0, 130\.0, 110\.0/);
    expect(text).toMatch(/Consistency: CONSISTENT/);
  });

  it('renders the HTML section with the median run marked, and nothing without repeats', () => {
    const html = repeatsSection(record);
    expect(html).toContain('data-runs="3"');
    expect(html).toContain('data-consistency="consistent"');
    expect(html).toContain('<th>run 3 (median)</th>');
    expect(html).toMatch(/<td class="median-run">110\.0<\/td>/);
    expect(repeatsSection(undefined)).toBe('');
  });

  it('places each value under its own run when a run lacks the phase (and counts only runs with figures)', () => {
    const gappy = repeatsRecord(3, [run(100), { summaries: {}, timelines: {} }, run(120)], 'load', RULE);
    expect(formatRepeats(gappy)).toMatch(/Repeats: 2 of 3 runs recorded figures/);
    expect(formatRepeats(gappy)).toMatch(/P95 ms .* 100\.0, -, 120\.0/);
    const html = repeatsSection(gappy);
    expect(html).toMatch(/<td>100\.0<\/td><td>–<\/td><td class="median-run">120\.0<\/td>/);
  });
});
