import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  compareWithBaseline,
  formatBaselineComparison,
  loadBaseline,
  saveBaseline,
  timelineLatencies,
} from '../../helpers/analysis/baseline.ts';
import { latencies, legacyReport, makeReport } from '../report/fixtures.ts';

const options = { maxRegressionPercent: 50, maxSuccessDropPoints: 5, baselineSource: 'test' };
const before = makeReport('standard', { load: { latencies: latencies(40, 250) } });

const temporary: string[] = [];
afterAll(async () => {
  for (const dir of temporary) await rm(dir, { recursive: true, force: true });
});

describe('compareWithBaseline', () => {
  it('finds no regression against itself', () => {
    const comparison = compareWithBaseline(before, before, options);
    expect(comparison.regressions).toEqual([]);
    expect(comparison.rows.filter((r) => r.metric !== 'latency rank-sum').every((r) => r.change === 0)).toBe(true);
    expect(comparison.verdict).toMatch(/^No regression/);
  });

  it('reads a baseline written by an earlier version (totalRequests, requestsPerSecond) the same way', () => {
    const slowed = makeReport('standard', { load: { latencies: latencies(40, 1250) } });
    expect(compareWithBaseline(slowed, legacyReport(before), options)).toEqual(compareWithBaseline(slowed, before, options));
    expect(compareWithBaseline(before, legacyReport(before), options).regressions).toEqual([]);
  });

  it('fails a slowed run, naming the phase, the metric and by how much', () => {
    const slowed = makeReport('standard', { load: { latencies: latencies(40, 1250) } }); // the mock's latency raised five-fold
    const comparison = compareWithBaseline(slowed, before, options);
    expect(comparison.regressions).toHaveLength(3);
    expect(comparison.regressions[0]).toMatch(
      /^standard\/load: P50 latency rose 400\.0% \(247\.5 ms -> 1237\.5 ms\), beyond the allowed 50%; rank-sum z = \d/,
    );
    expect(comparison.regressions.map((r) => / (P\d\d) /.exec(r)?.[1])).toEqual(['P50', 'P95', 'P99']);
    expect(formatBaselineComparison(comparison)).toContain('REGRESSED');
  });

  it('tolerates a rise within the limit, and a faster run', () => {
    expect(compareWithBaseline(makeReport('standard', { load: { latencies: latencies(40, 350) } }), before, options).regressions).toEqual(
      [],
    );
    expect(compareWithBaseline(makeReport('standard', { load: { latencies: latencies(40, 100) } }), before, options).regressions).toEqual(
      [],
    );
  });

  it('does not fail on one outlier that moves P99 but not the distribution (rank-sum not significant)', () => {
    const values = latencies(40, 250);
    values[7] = 5000;
    const comparison = compareWithBaseline(makeReport('standard', { load: { latencies: values } }), before, options);
    const p99 = comparison.rows.find((r) => r.metric === 'P99')!;
    expect(p99.change).toBeGreaterThan(50);
    expect(p99.regressed).toBe(false);
    expect(p99.note).toContain('no significant shift');
    expect(comparison.regressions).toEqual([]);
  });

  it('does not fail a fast answer that rose by a few ms, however large the percentage', () => {
    const fast = makeReport('burst', { burst: { latencies: latencies(40, 40) } });
    const comparison = compareWithBaseline(makeReport('burst', { burst: { latencies: latencies(40, 65) } }), fast, options);
    expect(comparison.rows.find((r) => r.metric === 'P50')!.change).toBeGreaterThan(50);
    expect(comparison.regressions).toEqual([]);
    expect(comparison.rows.find((r) => r.metric === 'P50')!.note).toMatch(/under 50 ms: noise/);
    expect(
      compareWithBaseline(makeReport('burst', { burst: { latencies: latencies(40, 65) } }), fast, { ...options, minRiseMs: 10 })
        .regressions,
    ).toHaveLength(3);
  });

  it('does not judge latencies with too few samples for the rank-sum test (but still the success rate)', () => {
    const small = makeReport('custom', { load: { latencies: latencies(4, 100) } });
    const comparison = compareWithBaseline(
      makeReport('custom', { load: { latencies: latencies(4, 300), failures: { 1: 500 } } }),
      small,
      options,
    );
    expect(comparison.rows.find((r) => r.metric === 'latency rank-sum')!.note).toContain('too few latencies');
    expect(comparison.rows.find((r) => r.metric === 'P50')!.note).toContain('not judged');
    expect(comparison.regressions).toEqual(['custom/load: success rate fell 25.0 points (100.0% -> 75.0%), beyond the allowed 5 points']);
  });

  it('fails a success-rate drop beyond the allowed points', () => {
    const failures = Object.fromEntries(Array.from({ length: 4 }, (_, i) => [i * 9, 503]));
    const comparison = compareWithBaseline(makeReport('standard', { load: { latencies: latencies(40, 250), failures } }), before, options);
    expect(comparison.regressions).toEqual(['standard/load: success rate fell 10.0 points (100.0% -> 90.0%), beyond the allowed 5 points']);
  });

  it('notes phases without a baseline and a different scale', () => {
    const other = makeReport('standard', { warmup: { latencies: latencies(10, 250) } }, { scale: 0.1 });
    const comparison = compareWithBaseline(other, before, options);
    expect(comparison.notes).toEqual([
      'the baseline ran at PERF_SCALE 1, this run at 0.1',
      'phase "load" of the baseline did not run this time',
      'phase "warmup" has no baseline',
    ]);
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
