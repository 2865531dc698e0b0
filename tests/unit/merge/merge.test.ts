// The merge of one plan's segments: percentiles within 0.5 % of those of all the samples
// together (exact while the values fit), counts added, and results of other plans refused.
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runLoadTest } from '../../helpers/engine/load-test.ts';
import { latencyStats } from '../../helpers/engine/statistics.ts';
import { latencyRecord, MAX_KEPT_VALUES, mergeLatency, statsOf } from '../../helpers/merge/latency.ts';
import { MergeError, mergeResults, type ResultPart } from '../../helpers/merge/merge.ts';
import { readRunResults, writeRunResult } from '../../helpers/merge/files.ts';
import { resultFileName, runResultOf, type RunResult } from '../../helpers/merge/result.ts';
import { startTestServer, type TestServer } from '../engine/test-server.ts';
import { lognormalLatencies } from '../../../bench/measures.ts';

const SECRET = 'merge_secret';
let server: TestServer | undefined;
const dirs: string[] = [];
afterEach(async () => {
  await server?.close();
  server = undefined;
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('merged latency distributions', () => {
  it('are within 0.5 % of the percentiles of all the samples together, past what values are kept for', () => {
    // Four parts of unlike distributions (a slow segment among fast ones), 240,000 values in all.
    const parts = [
      lognormalLatencies(60_000, 40, 1),
      lognormalLatencies(60_000, 45, 2),
      lognormalLatencies(60_000, 38, 3),
      lognormalLatencies(60_000, 120, 4),
    ];
    const merged = mergeLatency(parts.map((values) => latencyRecord(values)));
    expect(merged.valuesMs).toBeNull(); // 240,000 > MAX_KEPT_VALUES: the histogram's path
    const got = statsOf(merged);
    const want = latencyStats(parts.flat());
    expect(got.exact).toBe(false);
    expect(got.count).toBe(want.count);
    for (const key of ['p50Ms', 'p90Ms', 'p95Ms', 'p99Ms'] as const) {
      expect(Math.abs(got[key] - want[key]) / want[key], key).toBeLessThan(0.005);
    }
    expect(got.meanMs).toBeCloseTo(want.meanMs, 6);
    expect(got.minMs).toBe(want.minMs);
    expect(got.maxMs).toBe(want.maxMs);
  });

  it('are exact (to the microsecond) while every part kept its values', () => {
    const parts = [lognormalLatencies(3000, 20, 5), lognormalLatencies(2000, 80, 6)];
    const got = statsOf(mergeLatency(parts.map((values) => latencyRecord(values))));
    const want = latencyStats(parts.flat());
    expect(got.exact).toBe(true);
    for (const key of ['p50Ms', 'p95Ms', 'p99Ms', 'maxMs'] as const) expect(got[key]).toBeCloseTo(want[key], 2);
    expect(MAX_KEPT_VALUES).toBeGreaterThanOrEqual(5000);
  });

  it('negative control: a histogram at 1 significant digit would be off by more than 0.5 % (the test can fail)', () => {
    const values = lognormalLatencies(50_000, 40, 7);
    const p95 = latencyStats(values).p95Ms;
    const coarse = 10 ** Math.floor(Math.log10(p95)); // one digit
    expect(Math.abs(Math.ceil(p95 / coarse) * coarse - p95) / p95).toBeGreaterThan(0.005);
  });
});

async function segmentRuns(count: number, plan: { totalRequests: number; requestsPerSecond?: number }): Promise<RunResult[]> {
  server ??= await startTestServer((_req, res, body, { done }) => {
    const ticket = Number((JSON.parse(body.toString()) as { ticket_id: string }).ticket_id);
    setTimeout(
      () => {
        done();
        res.writeHead(ticket % 10 === 0 ? 503 : 200).end();
      },
      1 + (ticket % 7),
    );
  });
  const startAt = Date.now() + 200;
  const runs = await Promise.all(
    Array.from({ length: count }, (_, i) =>
      runLoadTest({ url: server!.url, secret: SECRET, ticketIdStart: 0, startAt, ...plan, segment: { index: i + 1, count } }),
    ),
  );
  return runs.map((results) => runResultOf(results));
}

const parts = (results: RunResult[]): ResultPart[] => results.map((result, i) => ({ source: `part-${i + 1}`, result }));

describe('mergeResults', () => {
  it('merges three segment runs into the summary of the whole plan: counts, statuses, exact percentiles, the planned rate', async () => {
    const results = await segmentRuns(3, { totalRequests: 150, requestsPerSecond: 150 });
    const merged = mergeResults(parts(results));
    const s = merged.summary;
    expect(s.sentRequests).toBe(150);
    expect(s.plannedRequests).toBe(150);
    expect(s.statusCodes).toEqual({ '200': 135, '503': 15 }); // ticket ids 0..149: every tenth answered 503
    expect(s.failureCount).toBe(15);
    expect(s.errorClasses).toEqual({ http_503: 15 });
    expect(s.schedule.targetRps).toBe(150);
    expect(Math.abs(s.schedule.achievedSendRps - 150) / 150).toBeLessThan(0.05);
    expect(merged.exactPercentiles).toBe(true);
    const all = results.flatMap((r) => r.responseTimes.valuesMs ?? []);
    expect(s.responseTimes.p95Ms).toBeCloseTo(latencyStats(all).p95Ms, 6);
    expect(merged.timeline.sent.reduce((a, b) => a + b, 0)).toBe(150);
    expect(merged.missing).toEqual([]);
  });

  it('says which segment is missing, counts its requests as not sent, and refuses parts of other plans or a segment twice', async () => {
    const results = await segmentRuns(2, { totalRequests: 40, requestsPerSecond: 200 });
    const half = mergeResults(parts(results.slice(1)));
    expect(half.missing).toEqual([1]);
    expect(half.summary.notSentCount).toBe(20);
    expect(half.summary.warnings[0]).toMatch(/1 of 2 segments have no result \(1\/2\)/);

    expect(() => mergeResults([...parts(results), { source: 'again', result: results[0]! }])).toThrow(/segment 1\/2 is there twice/);
    const other = { ...results[1]!, plan: { ...results[1]!.plan, totalRequests: 41 } };
    expect(() =>
      mergeResults([
        { source: 'a', result: results[0]! },
        { source: 'b', result: other },
      ]),
    ).toThrow(MergeError);
    expect(() =>
      mergeResults([
        { source: 'a', result: results[0]! },
        { source: 'b', result: other },
      ]),
    ).toThrow(/request count \(--requests\) is 41, not 40/);
    expect(() => mergeResults([])).toThrow(/no result to merge/);
  });

  it('reads result files from directories at any depth and names a file that is not one', async () => {
    const [one, two] = await segmentRuns(2, { totalRequests: 10, requestsPerSecond: 100 });
    const dir = mkdtempSync(join(tmpdir(), 'merge-'));
    dirs.push(dir);
    writeRunResult(join(dir, 'load-segment-1'), resultFileName('load-x', one!.segment), one!);
    writeRunResult(join(dir, 'load-segment-2'), resultFileName('load-y', two!.segment), two!);
    writeFileSync(join(dir, 'load-x.json'), '{}'); // a report, not a result: not picked up
    const read = readRunResults([dir]);
    expect(read.map((p) => p.result.segment.index)).toEqual([1, 2]);
    expect(mergeResults(read).summary.sentRequests).toBe(10);
    // One file named twice (the directory and the file in it) is read once; a copy of it is a segment twice.
    const first = join(dir, 'load-segment-1', resultFileName('load-x', one!.segment));
    expect(readRunResults([dir, first, `${dir}/./load-segment-1/../load-segment-1`]).map((p) => p.source)).toEqual(
      read.map((p) => p.source),
    );
    writeRunResult(join(dir, 'copy'), resultFileName('load-x', one!.segment), one!);
    expect(() => mergeResults(readRunResults([dir]))).toThrow(/segment 1\/2 is there twice/);
    rmSync(join(dir, 'copy'), { recursive: true });
    mkdirSync(join(dir, 'bad'));
    writeFileSync(join(dir, 'bad', 'x.result.json'), '{"format":"k6"}');
    expect(() => readRunResults([join(dir, 'bad')])).toThrow(/not a result file \(format "k6"/);
    expect(() => readRunResults([join(dir, 'none')])).toThrow(/no such file/);
  });
});
