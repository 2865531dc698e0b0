// The spec recorder: the answer rules every load runs with (a 200 that is not the contract's JSON
// object fails), reports written through as phases end, and the record of repeated runs.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runLoadTest } from '../../helpers/engine/load-test.ts';
import type { PerfContext } from '../../helpers/vitest/perf-context.ts';
import { createLoad } from '../../helpers/vitest/load.ts';
import '../../helpers/vitest/matchers.ts';
import { SpecRecorder } from '../../helpers/vitest/recorder.ts';
import { specContext } from './spec-context.ts';
import { startTestServer, type TestServer } from '../engine/test-server.ts';

let server: TestServer | undefined;
let reportDir: string | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
  if (reportDir !== undefined) rmSync(reportDir, { recursive: true, force: true });
  reportDir = undefined;
});

function contextFor(url: string, dir: string): PerfContext {
  return specContext({ url, reportDir: dir });
}

describe('SpecRecorder.addRun', () => {
  it('a run cut by its time bound marks the report aborted, unless the cut is part of the measurement', async () => {
    server = await startTestServer(() => undefined); // never answers: every request is cut at the bound
    reportDir = mkdtempSync(join(tmpdir(), 'spec-run-'));
    const cut = () => runLoadTest({ url: server!.url, secret: 's', totalRequests: 3, requestsPerSecond: 100, maxDurationMs: 200 });
    const interrupted = new SpecRecorder('custom', contextFor(server.url, reportDir), 'cut');
    expect(interrupted.addRun('load', await cut()).cancelledCount).toBe(3);
    expect((await interrupted.finish()).report.status).toBe('aborted');
    const bySearch = new SpecRecorder('custom', contextFor(server.url, reportDir), 'cut by design');
    bySearch.addRun('step', await cut(), { cutByDesign: true });
    expect((await bySearch.finish()).report.status).toBe('completed');
  });
});

describe('SpecRecorder.answerRules', () => {
  it('checks bodies: a 200 with HTML is a bad_body failure, a 200 with a JSON object a success', async () => {
    server = await startTestServer((_req, res, _body, { arrival }) => {
      res.writeHead(200).end(arrival % 2 === 0 ? '{"status":"processed"}' : '<html>oops</html>');
    });
    reportDir = mkdtempSync(join(tmpdir(), 'spec-run-'));
    const recorder = new SpecRecorder('custom', contextFor(server.url, reportDir), 'answer rules');
    const options = { ...recorder.answerRules(), totalRequests: 4, requestsPerSecond: 100, concurrency: 1 }; // in order
    const s = (await runLoadTest(options)).getSummary();
    expect(s.successCount).toBe(2);
    expect(s.errorClasses).toEqual({ bad_body: 2 });
    expect(s.errors[0]?.message).toBe('HTTP 200, bad body: not JSON (<html>oops</html>)');
  });
});

describe('SpecRecorder writes its report through', () => {
  it('at the end of every phase, so a spec cut short leaves what it ran', async () => {
    server = await startTestServer((_req, res) => res.writeHead(200).end('{"status":"processed"}'));
    reportDir = mkdtempSync(join(tmpdir(), 'spec-run-'));
    const recorder = new SpecRecorder('custom', contextFor(server.url, reportDir), 'through');
    recorder.addRun('warm-up', await runLoadTest({ ...recorder.answerRules(), totalRequests: 2, requestsPerSecond: 100 }));
    const written = JSON.parse(readFileSync(recorder.reportPath, 'utf8'));
    expect(Object.keys(written.summaries)).toEqual(['warm-up']);
    expect(written.status).toBe('completed');
    expect(recorder.sent()).toHaveLength(2); // and its requests are in the ledger
  });
});

describe('SpecRecorder with PERF_REPEAT, a run that recorded nothing', () => {
  it('still writes the report, the empty run shown as such', async () => {
    server = await startTestServer((_req, res) => res.writeHead(200).end('{"status":"processed"}'));
    reportDir = mkdtempSync(join(tmpdir(), 'spec-run-'));
    const context = contextFor(server.url, reportDir);
    context.config.repeat = { count: 3, maxCvPercent: 20 };
    const recorder = new SpecRecorder('custom', context, 'gappy');
    expect(recorder.repeatLoads()).toBe(3);
    for (const repetition of [0, 2]) {
      // repetition 2 of 3 failed before it recorded anything
      recorder.addRun('load', await runLoadTest({ ...recorder.answerRules(), totalRequests: 3, requestsPerSecond: 50 }), { repetition });
    }
    const { report } = await recorder.finish();
    expect(report.repeats!.runs).toHaveLength(3);
    expect(report.repeats!.runs[1]!.summaries).toEqual({});
    expect(report.repeats!.spread.find((row) => row.metric === 'p95Ms')!.runs).toEqual([0, 2]);
  });
});

describe('SpecRecorder with PERF_REPEAT and a phase run once', () => {
  it('picks the median run by the repeated phase, and keeps the phase run once in the report', async () => {
    const delays = [20, 300]; // the second burst is the slower: with two runs, the median
    let arrival = 0;
    server = await startTestServer((_req, res) => {
      const delay = arrival < 3 ? delays[0] : arrival < 6 ? delays[1] : 5;
      arrival += 1;
      setTimeout(() => res.writeHead(200).end('{"status":"processed"}'), delay);
    });
    reportDir = mkdtempSync(join(tmpdir(), 'spec-run-'));
    const context = contextFor(server.url, reportDir);
    context.config.repeat = { count: 2, maxCvPercent: 20 };
    context.config.targets = [];
    const recorder = new SpecRecorder('custom', context, 'burst-like');
    const load = createLoad(recorder);
    await load({ phase: 'burst', requests: 3, rate: 'burst', quiet: true });
    const recovery = await load({ phase: 'recovery', requests: 2, rate: '50/s', repeats: false, quiet: true });
    expect(recovery).toMeet({ failures: ['==', 0] }); // judged first, but run once: it cannot pick the median
    const { report } = await recorder.finish();
    expect(report.repeats).toMatchObject({ medianRun: 1 });
    expect(report.repeats!.medianRule).toMatch(/judged phase: burst/);
    expect(Object.keys(report.summaries)).toEqual(['burst', 'recovery']);
    expect(report.summaries.burst).toBe(report.repeats!.runs[1]!.summaries.burst);
  });
});

describe('SpecRecorder with a baseline, for a spec that measured nothing', () => {
  it('does not compare: the spec stays skipped, not passed by an empty comparison', async () => {
    reportDir = mkdtempSync(join(tmpdir(), 'spec-run-'));
    const baselineDir = join(reportDir, 'baseline');
    const first = new SpecRecorder('custom', contextFor('http://127.0.0.1:1/webhook', baselineDir), 'opt-in');
    first.recordCheck('runs when asked', { state: 'skip', note: 'opt-in' });
    await first.finish(); // the baseline: a report of a skipped spec, as perf:baseline would save it
    const context = contextFor('http://127.0.0.1:1/webhook', join(reportDir, 'now'));
    context.config.baseline = { ...context.config.baseline, path: baselineDir };
    const again = new SpecRecorder('custom', context, 'opt-in');
    again.recordCheck('runs when asked', { state: 'skip', note: 'opt-in' });
    const { report, regression } = await again.finish();
    expect(regression).toBeUndefined();
    expect(report.checks.map((c) => c.outcome)).toEqual(['skipped']);
    expect(JSON.parse(readFileSync(again.reportPath, 'utf8')).verdict).toBe('skipped');
  });
});
