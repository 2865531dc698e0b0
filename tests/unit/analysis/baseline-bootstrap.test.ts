// The statistics of the baseline comparison: a seeded generator, the weighted percentiles
// of a replicate, windows, and how run-level and window-level intervals behave on synthetic
// runs (seeded noise: deterministic).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  BaselineError,
  baselineCheck,
  compareWithBaseline,
  timelineWindows,
  verdictOf,
  windowCount,
  type BaselineComparison,
} from '../../helpers/analysis/baseline.ts';
import { figuresFor, mulberry32, percentileInterval, pointFigures, prepareSide, seedFor } from '../../helpers/analysis/bootstrap.ts';
import { percentile, sortedValues } from '../../helpers/engine/statistics.ts';
import type { SpecReport } from '../../helpers/model/index.ts';
import { checkAgainstBaseline } from '../../helpers/report/baseline-files.ts';
import { makeReport, type PhaseInput } from '../report/fixtures.ts';

const options = { maxRegressionPercent: 10, maxSuccessDropPoints: 5, baselineSource: 'test' };

/** Log-normal latencies around `median` from a seeded stream. */
function noisy(count: number, median: number, seed: number, sigma = 0.3): number[] {
  const random = mulberry32(seed);
  return Array.from({ length: count }, () => {
    const u = random() || 1e-12;
    return median * Math.exp(sigma * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random()));
  });
}

/** A report of repeated runs (PERF_REPEAT), one PhaseInput per run of its `load` phase. */
function repeated(runs: PhaseInput[]): SpecReport {
  const reports = runs.map((input) => makeReport('standard', { load: input }));
  const first = reports[0]!;
  return {
    ...first,
    repeats: {
      count: runs.length,
      runs: reports.map((r) => ({ summaries: r.summaries, timelines: r.timelines })),
      medianRun: 0,
      medianRule: 'test',
      spread: [],
      consistency: { verdict: 'not judged', rule: 'test', reasons: [] },
    },
  };
}

const row = (comparison: BaselineComparison, metric: string) => comparison.rows.find((r) => r.metric === metric)!;
const width = (comparison: BaselineComparison, metric: string) => row(comparison, metric).high - row(comparison, metric).low;

const temporary: string[] = [];
afterAll(async () => {
  for (const dir of temporary) await rm(dir, { recursive: true, force: true });
});

describe('the resampling', () => {
  it('mulberry32 repeats its sequence for a seed, in [0, 1)', () => {
    const a = Array.from({ length: 5 }, mulberry32(42));
    expect(Array.from({ length: 5 }, mulberry32(42))).toEqual(a);
    expect(Array.from({ length: 5 }, mulberry32(43))).not.toEqual(a);
    expect(a.every((v) => v >= 0 && v < 1)).toBe(true);
    expect(seedFor(1, 'load')).not.toBe(seedFor(1, 'recovery'));
  });

  it('computes small samples right too (P95 and P99 between the same two ranks)', () => {
    for (const values of [[1, 2, 3, 4, 5, 6, 7, 8, 9, 100], noisy(20, 100, 3)]) {
      const side = prepareSide([[{ latencies: values, ok: values.length, requests: values.length }]]);
      const sorted = sortedValues(values);
      expect(pointFigures(side).p95).toBeCloseTo(percentile(sorted, 0.95), 9);
      expect(pointFigures(side).p99).toBeCloseTo(percentile(sorted, 0.99), 9);
    }
  });

  it('computes the same type-7 percentiles as the summaries, and repeated windows as if copied', () => {
    const values = noisy(57, 200, 7);
    const windows = [values.slice(0, 20), values.slice(20, 40), values.slice(40)].map((l) => ({
      latencies: l,
      ok: l.length,
      requests: l.length,
    }));
    const side = prepareSide([windows]);
    const sorted = sortedValues(values);
    expect(pointFigures(side)).toEqual({
      p50: percentile(sorted, 0.5),
      p95: percentile(sorted, 0.95),
      p99: percentile(sorted, 0.99),
      successPercent: 100,
    });
    // Window 0 twice, window 1 never, window 2 once: the percentiles of that multiset.
    const expanded = sortedValues([...values.slice(0, 20), ...values.slice(0, 20), ...values.slice(40)]);
    const figures = figuresFor(side, Int32Array.from([2, 0, 1]));
    expect(figures.p50).toBeCloseTo(percentile(expanded, 0.5), 9);
    expect(figures.p95).toBeCloseTo(percentile(expanded, 0.95), 9);
    expect(figures.p99).toBeCloseTo(percentile(expanded, 0.99), 9);
  });

  it('percentileInterval ignores non-finite replicates', () => {
    expect(percentileInterval([Number.NaN, 1, 2, 3, 4, 5], 50)).toEqual({ low: 2, high: 4 });
    expect(percentileInterval([Number.NaN], 95)).toEqual({ low: Number.NaN, high: Number.NaN });
  });

  it('cuts a run into min(10, floor(n / 10)) consecutive windows, in intended-start order', () => {
    expect([5, 19, 35, 100, 5000].map(windowCount)).toEqual([1, 1, 3, 10, 10]);
    const timeline = {
      intendedStartMs: [30, 10, 20, 0],
      responseTimeMs: [4, 2, 3, 1],
      errorClass: [null, 'connection_refused', null, 'http_500'],
      status: [200, 0, 200, 500],
    };
    // 4 requests: one window, in intended order 1 (http_500), 2 (refused: no latency), 3, 4.
    expect(timelineWindows(timeline)).toEqual([{ latencies: [1, 3, 4], ok: 2, requests: 4 }]);
    const windows = timelineWindows(makeReport('standard', { load: { latencies: noisy(35, 100, 1) } }).timelines.load);
    expect(windows.map((w) => w.requests)).toEqual([12, 11, 12]);
  });

  it('judges an interval against the limit: beyond, within, or straddling it', () => {
    expect(verdictOf('latency', 12, 30, 10)).toBe('regression');
    expect(verdictOf('latency', -5, 10, 10)).toBe('no change');
    expect(verdictOf('latency', 5, 15, 10)).toBe('inconclusive');
    expect(verdictOf('success', -9, -6, 5)).toBe('regression');
    expect(verdictOf('success', -5, 0, 5)).toBe('no change');
    expect(verdictOf('success', -7, 0, 5)).toBe('inconclusive');
    expect(verdictOf('latency', Number.NaN, Number.NaN, 10)).toBe('inconclusive');
  });
});

describe('compareWithBaseline: run-level and window-level', () => {
  const baseline = repeated([1, 2, 3].map((seed) => ({ latencies: noisy(100, 250, seed) })));

  it('uses run-level figures when both sides hold 2+ runs, window-level otherwise', () => {
    const current = repeated([4, 5, 6].map((seed) => ({ latencies: noisy(100, 250, seed) })));
    const both = compareWithBaseline(current, baseline, options);
    expect(both.method).toBe('run-level');
    expect(both.units).toEqual({ baseline: { runs: 3 }, current: { runs: 3 } });
    expect(row(both, 'P50').units.current).toEqual({ runs: 3, windows: 30, requests: 300, latencies: 300 });
    expect(both.verdict).toMatch(/run-level over 3 and 3 runs, 95% bootstrap CI over 2000 resamples/);

    const single = makeReport('standard', { load: { latencies: noisy(100, 250, 4) } });
    const oneSide = compareWithBaseline(single, baseline, options);
    expect(oneSide.method).toBe('window-level');
    expect(oneSide.rows.every((r) => r.method === 'window-level')).toBe(true);
  });

  it('finds no change between the same runs', () => {
    // At the suite's default limit: with 3 runs of 100 a P99 interval is some +-30 % wide.
    const comparison = compareWithBaseline(baseline, baseline, { ...options, maxRegressionPercent: 50 });
    expect(comparison.kind).toBe('no change');
    expect(comparison.rows.every((r) => r.change === 0 && r.low <= 0 && r.high >= 0)).toBe(true);
  });

  it('finds a clear 30 % shift with 3 runs a side a regression', () => {
    const slower = repeated([4, 5, 6].map((seed) => ({ latencies: noisy(100, 325, seed) })));
    const comparison = compareWithBaseline(slower, baseline, options);
    expect(comparison.kind).toBe('regression');
    const p50 = row(comparison, 'P50');
    expect(p50.verdict).toBe('regression');
    expect(p50.low).toBeGreaterThan(p50.limit);
    expect(p50.change).toBeGreaterThan(20);
    expect(p50.change).toBeLessThan(40);
    expect(comparison.regressions[0]).toMatch(
      /^standard\/load: P50 latency rose \d+\.\d% .*; 95% CI \+\d+\.\d% to \+\d+\.\d%\), beyond the allowed 10%/,
    );
  });

  it('widens the interval when slow requests come together (a slow stretch, a slow run) rather than spread out', () => {
    const flat = noisy(100, 250, 9);
    // Window-level, one run a side: the last 20 requests twice as slow (a stretch two windows
    // long), against the same slow requests spread evenly (every window alike).
    const stretch = flat.map((v, i) => (i >= 80 ? v * 2 : v));
    const spread = flat.map((v, i) => (i % 5 === 0 ? v * 2 : v));
    const single = makeReport('standard', { load: { latencies: noisy(100, 250, 12) } });
    const stretchOne = compareWithBaseline(makeReport('standard', { load: { latencies: stretch } }), single, options);
    const spreadOne = compareWithBaseline(makeReport('standard', { load: { latencies: spread } }), single, options);
    expect(width(stretchOne, 'P95')).toBeGreaterThan(width(spreadOne, 'P95') * 2);
    expect(width(stretchOne, 'P50')).toBeGreaterThan(width(spreadOne, 'P50') * 1.2);
    // Run-level: one of three runs 50 % slower throughout, against a third of every run's requests 50 % slower.
    const runs = [10, 11, 12].map((seed) => noisy(100, 250, seed));
    const slowRun = repeated(runs.map((values, r) => ({ latencies: values.map((v) => (r === 0 ? v * 1.5 : v)) })));
    const slowThird = repeated(runs.map((values) => ({ latencies: values.map((v, i) => (i % 3 === 0 ? v * 1.5 : v)) })));
    const a = compareWithBaseline(slowRun, baseline, options);
    const b = compareWithBaseline(slowThird, baseline, options);
    expect(width(a, 'P50')).toBeGreaterThan(width(b, 'P50') * 1.3);
  });

  it('is reproducible: the same reports and seed give the same intervals; another seed, close ones', () => {
    const current = repeated([4, 5, 6].map((seed) => ({ latencies: noisy(100, 270, seed) })));
    const a = compareWithBaseline(current, baseline, options);
    expect(compareWithBaseline(current, baseline, options)).toEqual(a);
    const b = compareWithBaseline(current, baseline, { ...options, seed: 99 });
    expect(b.seed).toBe(99);
    expect(row(b, 'P50').low).not.toBe(row(a, 'P50').low);
    expect(Math.abs(row(b, 'P50').low - row(a, 'P50').low)).toBeLessThan(3);
  });

  it('finds a success-rate drop across runs a regression, and a smaller one within the allowance', () => {
    const failing = (every: number) => Object.fromEntries(Array.from({ length: 100 / every }, (_, i) => [i * every + 1, 503]));
    const dropped = repeated([4, 5, 6].map((seed) => ({ latencies: noisy(100, 250, seed), failures: failing(5) })));
    const comparison = compareWithBaseline(dropped, baseline, options);
    expect(row(comparison, 'success rate')).toMatchObject({ change: -20, verdict: 'regression' });
    expect(comparison.regressions).toContainEqual(expect.stringMatching(/^standard\/load: success rate fell 20\.0 points/));
    const slight = repeated([4, 5, 6].map((seed) => ({ latencies: noisy(100, 250, seed), failures: failing(50) })));
    expect(row(compareWithBaseline(slight, baseline, options), 'success rate')).toMatchObject({ change: -2, verdict: 'no change' });
  });

  it('says inconclusive, with what to collect, when the interval straddles the limit', () => {
    const current = repeated([4, 5].map((seed) => ({ latencies: noisy(100, 280, seed, 0.6) })));
    const comparison = compareWithBaseline(current, repeated([1, 2].map((seed) => ({ latencies: noisy(100, 250, seed, 0.6) }))), options);
    const open = comparison.rows.filter((r) => r.verdict === 'inconclusive');
    expect(open.length).toBeGreaterThan(0);
    expect(open[0]!.note).toMatch(
      /straddles the limit .*; to decide, run more repetitions \(PERF_REPEAT=5 on both sides\) or more requests per run$/,
    );
    expect(comparison.kind).toBe('inconclusive');
    expect(comparison.inconclusive[0]).toMatch(/^standard\/load /);
  });

  it('rejects a confidence or a resample count it cannot use, naming the setting', () => {
    expect(() => compareWithBaseline(baseline, baseline, { ...options, confidence: 0.95 })).toThrow(BaselineError);
    expect(() => compareWithBaseline(baseline, baseline, { ...options, confidence: 0.95 })).toThrow(/PERF_BASELINE_CONFIDENCE/);
    expect(() => compareWithBaseline(baseline, baseline, { ...options, resamples: 10 })).toThrow(/PERF_BASELINE_RESAMPLES/);
    const quick = compareWithBaseline(baseline, baseline, { ...options, maxRegressionPercent: 50, confidence: 90, resamples: 500 });
    expect(quick).toMatchObject({ confidence: 90, resamples: 500, kind: 'no change' });
  });
});

describe('checkAgainstBaseline', () => {
  it('judges a baseline handed in as data (baselineCheck: no file read)', () => {
    const before = makeReport('standard', { load: { latencies: noisy(100, 250, 1) } });
    const settings = { path: 'unused', maxRegressionPercent: 50, maxSuccessDropPoints: 5, resamples: 500 };
    expect(baselineCheck(before, { report: undefined, reason: 'no standard.json' }, settings)).toEqual({
      ran: false,
      reason: 'no standard.json',
    });
    const same = baselineCheck(before, { report: before, source: 'in memory' }, settings);
    expect(same.ran && same.comparison.baselineSource).toBe('in memory');
    expect(same.ran && same.check.outcome).toBe('passed');
  });

  it('fails only a regression; an inconclusive comparison passes with its sentence as the detail', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'perf-baseline-'));
    temporary.push(dir);
    const before = makeReport('standard', { load: { latencies: noisy(100, 250, 1) } });
    await writeFile(join(dir, 'standard.json'), JSON.stringify(before));
    const settings = { path: dir, maxRegressionPercent: 10, maxSuccessDropPoints: 5 };

    const slowed = await checkAgainstBaseline(makeReport('standard', { load: { latencies: noisy(100, 500, 2) } }), settings);
    expect(slowed.ran && slowed.check.outcome).toBe('failed');

    const tiny = await checkAgainstBaseline(makeReport('standard', { load: { latencies: noisy(30, 260, 3) } }), settings);
    expect(tiny.ran && tiny.comparison.kind).toBe('inconclusive');
    expect(tiny.ran && tiny.check).toMatchObject({ outcome: 'passed', detail: expect.stringMatching(/^Inconclusive .*not judged/) });

    const same = await checkAgainstBaseline(before, { ...settings, maxRegressionPercent: 50, resamples: 500 });
    expect(same.ran && same.check).toMatchObject({ outcome: 'passed', detail: '' });
    expect(same.ran && same.comparison.resamples).toBe(500);
  });
});
