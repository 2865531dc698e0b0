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
