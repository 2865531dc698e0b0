// load(plan) and toMeet against a real local server: the plan's rules, its own ticket ids per
// phase and repetition, the median run of a repeated plan, and one evaluation per toMeet.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createLoad, parseRate } from '../../helpers/vitest/load.ts';
import '../../helpers/vitest/matchers.ts';
import type { PhasePlan } from '../../helpers/rate-limit/index.ts';
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

function recorderFor(url: string, settings: Record<string, string> = {}): SpecRecorder {
  reportDir = mkdtempSync(join(tmpdir(), 'load-'));
  // The spec's own criteria only: toMeet's warn rows of the suite's targets are tested in analysis/targets.test.ts.
  const defaults = { RATE_LIMIT: 'none', PERF_HISTORY: 'none', PERF_TARGETS: 'none' };
  return new SpecRecorder('custom', specContext({ url, reportDir, settings: { ...defaults, ...settings } }), 'load test');
}

/** A server that answers the contract's JSON after `delayMs(arrival)` and keeps every ticket id it saw. */
async function serverKeepingTickets(delayMs: (arrival: number) => number = () => 0) {
  const tickets: string[] = [];
  server = await startTestServer((_req, res, body, { arrival }) => {
    tickets.push(String((JSON.parse(body.toString()) as { ticket_id: string }).ticket_id));
    setTimeout(() => res.writeHead(200).end('{"status":"processed"}'), delayMs(arrival));
  });
  return { server, tickets };
}

describe('parseRate', () => {
  it("reads 'N/s', 'N/min' and 'burst', and refuses anything else naming the forms", () => {
    expect(parseRate('2/s')).toBe(2);
    expect(parseRate('90/min')).toBe(1.5);
    expect(parseRate('burst')).toBeNull();
    for (const bad of ['2', '2/h', '0/s', '-1/s', 'fast']) expect(() => parseRate(bad)).toThrow(/'N\/s', 'N\/min' \(N > 0\) or 'burst'/);
  });
});

describe('load(plan)', () => {
  it('refuses a bad plan before any traffic, naming the field', async () => {
    const { server, tickets } = await serverKeepingTickets();
    const load = createLoad(recorderFor(server.url));
    await expect(load({ requests: 0, rate: '1/s' })).rejects.toThrow(/requests must be a whole number of at least 1/);
    await expect(load({ requests: 3 })).rejects.toThrow(/rate is missing/);
    await expect(load({ requests: 3, rate: '3/h' as '3/s' })).rejects.toThrow(/rate "3\/h" is not a rate/);
    await expect(load({ requests: 3, rate: '1/s', stages: [{ durationMs: 100, targetRps: 1 }] })).rejects.toThrow(
      /either stages, or requests and rate/,
    );
    expect(tickets).toEqual([]);
  });

  it('runs a phase at its rate, records it under its name and returns its figures', async () => {
    const { server, tickets } = await serverKeepingTickets();
    const recorder = recorderFor(server.url);
    const load = createLoad(recorder);
    const run = await load({ requests: 5, rate: '50/s', phase: 'warm-up', quiet: true });
    expect(run).toMatchObject({ phase: 'warm-up', sent: 5, successCount: 5, failures: 0, successRatePercent: 100 });
    expect(run.p95Ms).toBe(run.summary.responseTimes.p95Ms);
    expect(run.summary.schedule.targetRps).toBe(50);
    expect(tickets).toHaveLength(5);
    const { report } = await recorder.finish();
    expect(Object.keys(report.summaries)).toEqual(['warm-up']);
  });

  it("gives every phase its own ticket ids, and 'burst' sends them all at once", async () => {
    const { server, tickets } = await serverKeepingTickets(() => 30);
    const load = createLoad(recorderFor(server.url));
    await load({ requests: 4, rate: '100/s', quiet: true });
    const burst = await load({ requests: 20, rate: 'burst', phase: 'burst', quiet: true });
    expect(new Set(tickets).size).toBe(24);
    expect(server.maxActive).toBe(20);
    expect(burst.summary.schedule.targetRps).toBeNull();
  });

  it('a staged plan asks the window for room for the requests its stages send, and reserves exactly those ids', async () => {
    const { server, tickets } = await serverKeepingTickets();
    const recorder = recorderFor(server.url);
    const asked: PhasePlan[] = [];
    const awaitRoom = recorder.awaitRoom.bind(recorder);
    recorder.awaitRoom = (phase, plan, needs) => (asked.push(plan), awaitRoom(phase, plan, needs));
    const run = await createLoad(recorder)({ phase: 'ramp', stages: [{ durationMs: 1000, targetRps: 40 }], quiet: true });
    expect(asked).toEqual([{ requests: 20, ratePerSecond: 20 }]); // 0 -> 40/s over 1 s: 20 requests, 20/s on average
    expect(run.sent).toBe(20);
    expect(new Set(tickets).size).toBe(20);
    expect(recorder.reserveTickets(1) - recorder.ticketId()).toBe(1000); // the next phase starts past them
  });

  it('refuses a second phase of the same name, and a phase that could not finish before the test times out', async () => {
    const { server, tickets } = await serverKeepingTickets();
    const recorder = recorderFor(server.url);
    await createLoad(recorder)({ requests: 2, rate: '50/s', quiet: true });
    await expect(createLoad(recorder)({ requests: 2, rate: '50/s', quiet: true })).rejects.toThrow(/already ran a phase named "load"/);
    const late = createLoad(recorderFor(server.url), Date.now() + 5000); // 5 s left of the test's timeout
    await expect(late({ requests: 100, rate: '1/s', quiet: true })).rejects.toThrow(
      /may take up to 2\.\d min, and its test has 0\.1 min left.*nothing was sent/,
    );
    expect(tickets).toHaveLength(2);
  });

  it('with workers: 2 spreads the phase over two threads and records one run of the plan, every ticket once', async () => {
    const { server, tickets } = await serverKeepingTickets();
    const load = createLoad(recorderFor(server.url));
    const run = await load({ requests: 60, rate: '200/s', workers: 2, phase: 'spread' });
    expect(run.sent).toBe(60);
    expect(run.successCount).toBe(60);
    expect(run.summary.schedule.targetRps).toBe(200);
    expect(new Set(tickets).size).toBe(60);
    expect(run.results.samples.map((s) => s.ticketId)).toEqual([...run.results.samples.map((s) => s.ticketId)].sort((a, b) => a - b));
    await expect(load({ requests: 3, rate: '1/s', workers: 0 })).rejects.toThrow(/workers must be a whole number from 1 to 64/);
    await expect(load({ requests: 3, rate: '1/s', workers: 2, payload: (i) => ({ i }) })).rejects.toThrow(
      /a payload function of your own cannot reach worker threads/,
    );
    expect(tickets).toHaveLength(60);
  });

  it('with PERF_REPEAT=3 runs the plan three times with fresh ids and returns the median run by P95', async () => {
    const delays = [20, 300, 60]; // the third run's P95 is the median
    const { server, tickets } = await serverKeepingTickets((arrival) => delays[Math.floor(arrival / 4)]!);
    const recorder = recorderFor(server.url, { PERF_REPEAT: '3' });
    const run = await createLoad(recorder)({ requests: 4, rate: '50/s', quiet: true });
    expect(run.runs).toHaveLength(3);
    expect(run.repetition).toBe(2);
    expect(run.p95Ms).toBeGreaterThan(55);
    expect(run.p95Ms).toBeLessThan(250);
    expect(new Set(tickets).size).toBe(12);
    // One verdict, on the median run: the slow second run is in the spread, not a test of its own.
    expect(run).toMeet({ p95Ms: ['<', 200] });
    const { report } = await recorder.finish();
    expect(report.repeats).toMatchObject({ count: 3, medianRun: 2 });
    expect(report.thresholds).toHaveLength(1);
    expect(report.thresholds![0]!.text).toMatch(/\[median run 3 of 3\]/);
  });
});

describe('expect(run).toMeet(criteria)', () => {
  it('passes when every criterion holds, and keeps that one evaluation in the report', async () => {
    const { server } = await serverKeepingTickets();
    const recorder = recorderFor(server.url);
    const run = await createLoad(recorder)({ requests: 3, rate: '50/s', quiet: true });
    expect(run).toMeet({ successRatePercent: ['>=', 99], p95Ms: ['<', 3000], failures: ['==', 0] });
    const { report } = await recorder.finish();
    expect(report.thresholds!.map((t) => [t.metric, t.passed])).toEqual([
      ['successRatePercent', true],
      ['p95Ms', true],
      ['failures', true],
    ]);
  });

  it('fails naming the metric, the phase, the figure and the bound', async () => {
    const { server } = await serverKeepingTickets(() => 20);
    const run = await createLoad(recorderFor(server.url))({ requests: 3, rate: '50/s', quiet: true });
    expect(() => expect(run).toMeet({ p95Ms: ['<', 1] })).toThrow(
      /1 of 1 thresholds failed: load: P95 latency < 1 ms \(measured \d+\.\d ms\)/,
    );
  });

  it('refuses bad criteria naming the field and the fix', async () => {
    const { server } = await serverKeepingTickets();
    const run = await createLoad(recorderFor(server.url))({ requests: 1, rate: '50/s', quiet: true });
    expect(() => expect(run).toMeet({ p96Ms: ['<', 1] } as never)).toThrow(/p96Ms: not a metric; use one of successRatePercent, p50Ms/);
    expect(() => expect(run).toMeet({ p95Ms: ['=<', 1] } as never)).toThrow(/p95Ms: \["=<",1\] is not \[op, number\]/);
    expect(() => expect({ p95Ms: 3 }).toMeet({ p95Ms: ['<', 1] })).toThrow(/expected what load\(\) returns/);
  });

  it('judges degradationPercent from the run itself', async () => {
    const { server } = await serverKeepingTickets((arrival) => 5 + arrival * 4); // latency climbs steadily
    const recorder = recorderFor(server.url);
    const run = await createLoad(recorder)({ requests: 30, rate: '100/s', quiet: true });
    expect(() => expect(run).toMeet({ degradationPercent: ['<', 50] })).toThrow(/Latency degradation < 50%/);
    const { report } = await recorder.finish();
    expect((report.degradation as { degradationPercent: number }).degradationPercent).toBeGreaterThan(50);
  });
});
