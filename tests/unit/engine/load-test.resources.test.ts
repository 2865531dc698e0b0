// runLoadTest measures its own process: a small run against a real node:http server carries
// generator figures in a sane range, judged by the rule (resources.ts).
import { availableParallelism } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { runLoadTest } from '../../helpers/engine/load-test.ts';
import { isBusy, LAG_WARNING_MS } from '../../helpers/engine/resources.ts';
import { okAfter, startTestServer, type TestServer } from './test-server.ts';

const SECRET = 'test_secret_key_12345';
let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('runLoadTest: the generator figures', () => {
  it('measures CPU, event loop and delay over a 60-request run at 200/s', async () => {
    server = await startTestServer(okAfter(1));
    const s = (await runLoadTest({ url: server.url, secret: SECRET, totalRequests: 60, requestsPerSecond: 200 })).getSummary();
    expect(s.successCount).toBe(60);
    const g = s.generator;
    expect(g).toBeDefined();
    if (g === undefined) return;
    // user + system over the run's wall time: something, and no more than every core of the machine.
    expect(g.userCpuMs).toBeGreaterThan(0);
    expect(g.systemCpuMs).toBeGreaterThanOrEqual(0);
    expect(g.cpuPercent).toBeGreaterThan(0);
    expect(g.cpuPercent).toBeLessThanOrEqual(100 * availableParallelism() + 10);
    // The meter's wall time is the run's duration, both read a few statements apart: within 5 ms.
    const meterWallMs = (g.userCpuMs + g.systemCpuMs) / (g.cpuPercent / 100);
    expect(Math.abs(meterWallMs - s.durationSeconds * 1000)).toBeLessThan(5);
    expect(g.eventLoopUtilization).toBeGreaterThan(0);
    expect(g.eventLoopUtilization).toBeLessThanOrEqual(1);
    // About 30 intervals of 10 ms were sampled over the 0.3 s run.
    expect(g.eventLoopDelayP99Ms).toBeGreaterThanOrEqual(0);
    expect(g.eventLoopDelayP99Ms).toBeLessThan(1000);
    expect(g.limited).toBe(isBusy(g) && s.schedule.lagP99Ms > LAG_WARNING_MS);
    expect(g.note.length).toBeGreaterThan(0);
  });

  it('carries figures for a burst and for a run stopped before it started, neither judged limited', async () => {
    server = await startTestServer(okAfter(0));
    const burst = (await runLoadTest({ url: server.url, secret: SECRET, totalRequests: 40, concurrency: 8 })).getSummary();
    expect(burst.schedule.mode).toBe('burst');
    expect(burst.generator?.limited).toBe(false);

    const stopped = new AbortController();
    stopped.abort();
    const none = (
      await runLoadTest({ url: server.url, secret: SECRET, totalRequests: 5, requestsPerSecond: 10, signal: stopped.signal })
    ).getSummary();
    expect(none.sentRequests).toBe(0);
    expect(none.generator?.limited).toBe(false);
  });
});
