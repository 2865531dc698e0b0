import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compareWithBaseline, formatBaselineComparison, timelineLatencies } from '../../helpers/analysis/baseline.ts';
import { loadBaseline, saveBaseline } from '../../helpers/report/baseline-files.ts';
import { latencies, legacyReport, makeReport } from '../report/fixtures.ts';

const options = { maxRegressionPercent: 50, maxSuccessDropPoints: 5, baselineSource: 'test' };
// 100 requests: one run makes 10 windows of 10, enough for the window-level method.
const before = makeReport('standard', { load: { latencies: latencies(100, 250) } });
const rowOf = (comparison: ReturnType<typeof compareWithBaseline>, metric: string) => comparison.rows.find((r) => r.metric === metric)!;

const temporary: string[] = [];
afterAll(async () => {
  for (const dir of temporary) await rm(dir, { recursive: true, force: true });
});

describe('compareWithBaseline', () => {
  it('finds no change against itself, window-level for single runs', () => {
    const comparison = compareWithBaseline(before, before, options);
    expect(comparison.regressions).toEqual([]);
    expect(comparison.method).toBe('window-level');
    expect(comparison.kind).toBe('no change');
    expect(comparison.rows.map((r) => r.metric)).toEqual(['P50', 'P95', 'P99', 'success rate']);
    for (const row of comparison.rows) {
      expect(row.change).toBe(0);
      expect(row.verdict).toBe('no change');
      expect(row.low).toBeLessThanOrEqual(0);
      expect(row.high).toBeGreaterThanOrEqual(0);
      expect(row.units.baseline).toEqual({ runs: 1, windows: 10, requests: 100, latencies: 100 });
    }
    expect(comparison.verdict).toMatch(/^No change against the baseline of .* \(window-level .*95% bootstrap CI over 2000 resamples\)/);
  });

  it('reads a baseline written by an earlier version (totalRequests, requestsPerSecond) the same way', () => {
    const slowed = makeReport('standard', { load: { latencies: latencies(100, 1250) } });
    expect(compareWithBaseline(slowed, legacyReport(before), options)).toEqual(compareWithBaseline(slowed, before, options));
    expect(compareWithBaseline(before, legacyReport(before), options).regressions).toEqual([]);
  });

  it('fails a slowed run, naming the phase, the metric, by how much and the interval', () => {
    const slowed = makeReport('standard', { load: { latencies: latencies(100, 1250) } }); // the mock's latency raised five-fold
    const comparison = compareWithBaseline(slowed, before, options);
    expect(comparison.kind).toBe('regression');
    expect(comparison.regressions).toHaveLength(3);
    expect(comparison.regressions[0]).toMatch(
      /^standard\/load: P50 latency rose 400\.0% \(249\.0 ms -> 1245\.0 ms; 95% CI \+\d+\.\d% to \+\d+\.\d%\), beyond the allowed 50%$/,
    );
    expect(comparison.regressions.map((r) => / (P\d\d) /.exec(r)?.[1])).toEqual(['P50', 'P95', 'P99']);
    expect(rowOf(comparison, 'P50').low).toBeGreaterThan(50);
    expect(formatBaselineComparison(comparison)).toContain('REGRESSION');
  });

  it('tolerates a rise within the limit, and a faster run', () => {
    const within = compareWithBaseline(makeReport('standard', { load: { latencies: latencies(100, 350) } }), before, options);
    expect(within.kind).toBe('no change');
    expect(rowOf(within, 'P50').high).toBeLessThan(50);
    const faster = compareWithBaseline(makeReport('standard', { load: { latencies: latencies(100, 100) } }), before, options);
    expect(faster.kind).toBe('no change');
  });

  it('does not fail on two outliers that move P99: its interval is wide (inconclusive), not beyond the limit', () => {
    const values = latencies(100, 250);
    values[7] = 5000;
    values[60] = 5000;
    const comparison = compareWithBaseline(makeReport('standard', { load: { latencies: values } }), before, options);
    const p99 = rowOf(comparison, 'P99');
    expect(p99.change).toBeGreaterThan(50);
    expect(p99.verdict).toBe('inconclusive');
    expect(p99.low).toBeLessThan(50);
    expect(p99.note).toMatch(/straddles the limit \+50\.0%; to decide, run with PERF_REPEAT=3/);
    expect(comparison.regressions).toEqual([]);
    expect(comparison.kind).toBe('inconclusive');
    expect(comparison.verdict).toMatch(/^Inconclusive .*no regression shown .*standard\/load .*P99: CI/);
  });

  it('does not fail a fast answer that rose by a few ms, however large the percentage (the ms floor)', () => {
    const fast = makeReport('burst', { burst: { latencies: latencies(100, 4) } });
    const slower = makeReport('burst', { burst: { latencies: latencies(100, 6.5) } }); // +62.5 %, 2.5 ms
    const comparison = compareWithBaseline(slower, fast, options);
    const p50 = rowOf(comparison, 'P50');
    expect(p50.change).toBeCloseTo(62.5, 6);
    expect(p50.limit).toBeCloseTo((100 * 20) / p50.baseline, 6); // 20 ms of a 4 ms answer: +500 %
    expect(p50.verdict).toBe('no change');
    expect(comparison.regressions).toEqual([]);
    const tighter = compareWithBaseline(slower, fast, { ...options, minRiseMs: 1 });
    expect(tighter.regressions).toHaveLength(3);
    expect(tighter.regressions[0]).toMatch(/beyond the allowed 50%$/); // 1 ms of 4 ms is 25 %: the percentage binds
  });

  it('does not judge phases with too few samples, the success rate included (inconclusive, said so)', () => {
    const small = makeReport('custom', { load: { latencies: latencies(4, 100) } });
    const comparison = compareWithBaseline(
      makeReport('custom', { load: { latencies: latencies(4, 300), failures: { 1: 500 } } }),
      small,
      options,
    );
    expect(comparison.kind).toBe('inconclusive');
    expect(comparison.regressions).toEqual([]);
    for (const row of comparison.rows) {
      expect(row.verdict).toBe('inconclusive');
      expect(row.low).toBeNaN();
    }
    expect(rowOf(comparison, 'P50').note).toContain('too few latencies (4 and 4; needs 8 a side): not judged');
    expect(rowOf(comparison, 'success rate').note).toContain('too few requests (4 and 4; needs 8 a side): not judged');
    expect(formatBaselineComparison(comparison)).toContain('not judged');
  });

  it('does not judge a single run too short to cut into enough windows', () => {
    const short = makeReport('custom', { load: { latencies: latencies(40, 100) } });
    const comparison = compareWithBaseline(makeReport('custom', { load: { latencies: latencies(40, 300) } }), short, options);
    expect(comparison.kind).toBe('inconclusive');
    expect(rowOf(comparison, 'P50').note).toMatch(
      /^a single run of 40 requests makes 4 window\(s\), too few to resample \(needs 5, i\.e\. 50 requests\): not judged; run with PERF_REPEAT=3/,
    );
  });

  it('fails a success-rate drop beyond the allowed points', () => {
    const failures = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [i * 10 + 3, 503]));
    const comparison = compareWithBaseline(makeReport('standard', { load: { latencies: latencies(100, 250), failures } }), before, options);
    expect(comparison.regressions).toEqual([
      'standard/load: success rate fell 10.0 points (100.0% -> 90.0%; 95% CI -10.0 to -10.0 points), beyond the allowed 5 points',
    ]);
  });

  it('notes phases without a baseline and a different scale', () => {
    const other = makeReport('standard', { warmup: { latencies: latencies(10, 250) } }, { scale: 0.1 });
    const comparison = compareWithBaseline(other, before, options);
    expect(comparison.notes).toEqual([
      'the baseline ran at PERF_SCALE 1, this run at 0.1',
      'phase "load" of the baseline did not run this time',
      'phase "warmup" has no baseline',
    ]);
    expect(comparison.kind).toBe('inconclusive');
  });

  it('timelineLatencies keeps answered and timed-out requests only', () => {
    expect(
      timelineLatencies({ responseTimeMs: [1, 2, 3, 4, null], errorClass: [null, 'http_500', 'connection_refused', 'timeout', null] }),
    ).toEqual([1, 2, 4]);
    expect(timelineLatencies(undefined)).toEqual([]);
  });
});

describe('baseline files', () => {
  it('saves the spec reports of a directory and loads them back by spec', async () => {
    const from = await mkdtemp(join(tmpdir(), 'perf-reports-'));
    const to = join(await mkdtemp(join(tmpdir(), 'perf-baseline-')), 'nested');
    temporary.push(from, to);
    await writeFile(join(from, 'standard.json'), JSON.stringify(before));
    await writeFile(join(from, 'package.json'), '{"name":"not a report"}');
    await writeFile(join(from, 'index.html'), '<html></html>');
    const written = await saveBaseline(from, to);
    expect(written).toEqual([join(to, 'standard.json')]);
    expect(await readdir(to)).toEqual(['standard.json']);

    const loaded = await loadBaseline(to, 'standard');
    expect(loaded.report?.startedAt).toBe(before.startedAt);
    expect(await loadBaseline(to, 'burst')).toEqual({ report: undefined, reason: `the baseline directory ${to} has no burst.json` });
    const file = await loadBaseline(join(to, 'standard.json'), 'standard');
    expect(file.report?.spec).toBe('standard');
    expect((await loadBaseline(join(to, 'standard.json'), 'burst')).report).toBeUndefined();
  });

  it('says how to fix a missing baseline or an empty report directory', async () => {
    await expect(loadBaseline('/nonexistent/baseline', 'standard')).rejects.toThrow(
      /PERF_BASELINE="\/nonexistent\/baseline" does not exist: point it at a directory saved by `npm run perf:baseline`/,
    );
    const empty = await mkdtemp(join(tmpdir(), 'perf-empty-'));
    temporary.push(empty);
    await expect(saveBaseline(empty, join(empty, 'b'))).rejects.toThrow(/holds no spec reports/);
  });
});
