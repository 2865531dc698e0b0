// The options the paced specs run with: a 200 that is not the contract's JSON object fails.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../helpers/config/settings.ts';
import { runLoadTest } from '../../helpers/engine/load-test.ts';
import type { PerfContext } from '../../helpers/vitest/perf-context.ts';
import { SpecRecorder } from '../../helpers/vitest/recorder.ts';
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
  const config = parseConfig({ WEBHOOK_SECRET: 's', WEBHOOK_STACK: 'external', WEBHOOK_URL: url, PERF_REPORT_DIR: dir });
  const stack = { provider: 'external', reason: 'unit test', webhookUrl: url, healthUrl: url, metricsUrl: url, details: {} };
  return { config, stack, ticketIdBase: 1000, specSlots: { custom: 1 }, runStartedAt: new Date().toISOString() } as unknown as PerfContext;
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

describe('SpecRecorder.pacedLoad', () => {
  it('checks bodies: a 200 with HTML is a bad_body failure, a 200 with a JSON object a success', async () => {
    server = await startTestServer((_req, res, _body, { arrival }) => {
      res.writeHead(200).end(arrival % 2 === 0 ? '{"status":"processed"}' : '<html>oops</html>');
    });
    reportDir = mkdtempSync(join(tmpdir(), 'spec-run-'));
    const config = parseConfig({
      WEBHOOK_SECRET: 's',
      WEBHOOK_STACK: 'external',
      WEBHOOK_URL: server.url,
      PERF_REPORT_DIR: reportDir,
    });
    const context = {
      config,
      stack: {
        provider: 'external',
        reason: 'unit test',
        webhookUrl: server.url,
        healthUrl: server.url,
        metricsUrl: server.url,
        details: {},
      },
      ticketIdBase: 1000,
      specSlots: { custom: 1 },
    } as unknown as PerfContext;
    const recorder = new SpecRecorder('custom', context, 'paced load');
    const options = { ...recorder.pacedLoad(4, 6000), concurrency: 1 }; // 100 per second, in order
    const s = (await runLoadTest(options)).getSummary();
    expect(s.successCount).toBe(2);
    expect(s.errorClasses).toEqual({ bad_body: 2 });
    expect(s.errors[0]?.message).toBe('HTTP 200, bad body: not JSON (<html>oops</html>)');
  });
});

describe('SpecRecorder with PERF_REPEAT', () => {
  it('shows each run, judges the thresholds on the median run after the last, and reports every run', async () => {
    const delays = [20, 300, 60]; // run 3's P95 is the median
    let run = 0;
    server = await startTestServer((_req, res) => {
      setTimeout(() => res.writeHead(200).end('{"status":"processed"}'), delays[run]);
    });
    reportDir = mkdtempSync(join(tmpdir(), 'spec-run-'));
    const context = contextFor(server.url, reportDir);
    context.config.repeat = { count: 3, maxCvPercent: 20 };
    const recorder = new SpecRecorder('custom', context, 'repeated');
    const file = { meta: {}, name: 'custom.spec.ts' };
    const thresholds = [{ metric: 'p95Ms', phase: 'load', op: '<', value: 200 }] as const;
    const judged = [];
    const ids = [];
    for (run = 0; run < 3; run++) {
      recorder.attach({ file, suite: { name: `run ${run + 1} of 3`, meta: { perfRepetition: run }, suite: { name: 'repeated' } } });
      ids.push(recorder.ticketId());
      recorder.addRun('load', await runLoadTest({ ...recorder.answerRules(), totalRequests: 4, requestsPerSecond: 50 }));
      judged.push(recorder.judge([...thresholds]));
    }
    // Runs 1 and 2 are shown, not asserted (run 2's 300 ms would fail); the median run (run 3, ~60 ms) is judged.
    expect(judged[0]![0]!.deferred).toMatch(/run 1 of 3: judged on the median run after run 3/);
    expect(judged[1]![0]!.passed).toBe(false);
    expect(judged[2]![0]!.passed).toBe(true);
    expect(judged[2]![0]!.deferred).toBeUndefined();
    expect(judged[2]![0]!.text).toMatch(/\[median run 3\]/);
    expect(new Set(ids).size).toBe(3); // each run its own ticket ids (the service's duplicate window)
    const { report } = await recorder.finish();
    expect(report.repeats).toMatchObject({ count: 3, medianRun: 2 });
    expect(report.repeats!.runs).toHaveLength(3);
    expect(report.summaries).toBe(report.repeats!.runs[2]!.summaries);
    expect(report.thresholds).toHaveLength(1);
  });
});

describe('SpecRecorder with PERF_REPEAT, a run that recorded nothing', () => {
  it('still writes the report, the empty run shown as such', async () => {
    server = await startTestServer((_req, res) => res.writeHead(200).end('{"status":"processed"}'));
    reportDir = mkdtempSync(join(tmpdir(), 'spec-run-'));
    const context = contextFor(server.url, reportDir);
    context.config.repeat = { count: 3, maxCvPercent: 20 };
    const recorder = new SpecRecorder('custom', context, 'gappy');
    const file = { meta: {}, name: 'custom.spec.ts' };
    for (const run of [0, 2]) {
      // run 2 of 3 failed before its first addRun: the recorder never saw it
      recorder.attach({ file, suite: { name: `run ${run + 1} of 3`, meta: { perfRepetition: run }, suite: { name: 'gappy' } } });
      recorder.addRun('load', await runLoadTest({ ...recorder.answerRules(), totalRequests: 3, requestsPerSecond: 50 }));
    }
    const { report } = await recorder.finish();
    expect(report.repeats!.runs).toHaveLength(3);
    expect(report.repeats!.runs[1]!.summaries).toEqual({});
    expect(report.repeats!.spread.find((row) => row.metric === 'p95Ms')!.runs).toEqual([0, 2]);
  });
});
