// The capacity spec measures what it claims: against a target of known capacity (C requests
// processed at once, each taking L ms, the rest queued FIFO: C * 1000 / L per second), the
// real spec, run as a user runs it (`vitest run --project performance
// tests/performance/capacity.spec.ts`), finds C * 1000 / L within 10 %, for capacities from
// under 100/s to over 500/s, and names the service's throughput as the limit. The latency SLO
// is the default 2 s: a queue that grows for a few seconds stays under it, so only the
// throughput rule (the service completes what is offered, and latency does not climb within
// a step) can find these capacities. Small bounds per case (3 s steps, a budget of a minute,
// a start and a ceiling around the known capacity) keep each case about a minute.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { childEnv, runVitest } from '../support/child-vitest.ts';
import { startCapacityServer, type CapacityServer } from './fixtures/capacity-server.ts';

const SECRET = 'test_secret_key_12345';
let server: CapacityServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** Runs the capacity spec in a child Vitest, bounded; resolves with its exit code, output, time and report. */
async function runCapacitySpec(settings: Record<string, string>, timeoutMs: number) {
  const reportDir = mkdtempSync(join(tmpdir(), 'capacity-'));
  const env = childEnv({ WEBHOOK_STACK: 'external', PERF_BASELINE: '', PERF_REPORT_DIR: reportDir, WEBHOOK_SECRET: SECRET, ...settings });
  const run = await runVitest(['--project', 'performance', 'tests/performance/capacity.spec.ts'], env, timeoutMs);
  let report: { extra?: { capacity?: Record<string, unknown> } } | undefined;
  try {
    report = JSON.parse(readFileSync(join(reportDir, 'capacity.json'), 'utf8'));
  } catch {
    report = undefined;
  }
  return { ...run, report };
}

const SMALL_BOUNDS = {
  RATE_LIMIT: 'none',
  PERF_CAPACITY: '1',
  CAPACITY_STEP_MIN_SECONDS: '3',
  CAPACITY_STEP_MIN_REQUESTS: '50',
  CAPACITY_TOLERANCE_PERCENT: '5',
  CAPACITY_MAX_SECONDS: '75',
};

/** Known capacities: slots, service ms, and the ramp's start and ceiling around them. */
const CASES: { slots: number; serviceMs: number; startRps: number; maxRps: number; workers?: number }[] = [
  { slots: 2, serviceMs: 40, startRps: 10, maxRps: 200 }, // 50/s
  { slots: 6, serviceMs: 40, startRps: 20, maxRps: 400 }, // 150/s: the service the old rule measured at 200/s
  { slots: 12, serviceMs: 20, startRps: 100, maxRps: 1000 }, // 600/s
  { slots: 6, serviceMs: 40, startRps: 20, maxRps: 400, workers: 2 }, // 150/s again, each step on two worker threads
];

describe('the capacity spec against a target of known capacity (C slots of L ms, FIFO)', () => {
  for (const { slots, serviceMs, startRps, maxRps, workers } of CASES) {
    const known = (slots * 1000) / serviceMs;
    const on = workers === undefined ? '' : `, on ${workers} worker threads (CAPACITY_WORKERS)`;
    it(`C=${slots}, L=${serviceMs} ms: finds ${known}/s within 10 %, limited by the service's throughput${on}`, async () => {
      server = await startCapacityServer({ slots, serviceMs, secret: SECRET });
      const settings = {
        ...SMALL_BOUNDS,
        CAPACITY_START_RPS: String(startRps),
        CAPACITY_MAX_RPS: String(maxRps),
        ...(workers === undefined ? {} : { CAPACITY_WORKERS: String(workers) }),
      };
      const run = await runCapacitySpec({ ...settings, WEBHOOK_URL: server.webhookUrl }, 150_000);
      expect(run.code, run.output).toBe(0);
      const capacity = run.report?.extra?.capacity as {
        rps: number;
        low: number;
        high: number;
        limitedBy: string;
        lowerBound: boolean;
        lowConfirmed: boolean;
      };
      expect(capacity, run.output).toBeDefined();
      console.log(
        `[reliability] capacity C=${slots} L=${serviceMs} ms (known ${known}/s): measured ${capacity.rps.toFixed(1)}/s, ` +
          `bracket [${capacity.low.toFixed(1)}, ${capacity.high?.toFixed(1)}], limited by ${capacity.limitedBy}, ` +
          `server queue up to ${server.maxQueued}, ${run.seconds.toFixed(1)} s`,
      );
      expect(Math.abs(capacity.rps - known) / known, run.output).toBeLessThanOrEqual(0.1);
      expect(capacity).toMatchObject({ limitedBy: 'throughput', lowerBound: false, lowConfirmed: true });
      expect(capacity.high).toBeGreaterThan(capacity.low);
      expect(run.output).toMatch(/Capacity: [\d.]+ req\/s meets the SLOs .* limited by the service's throughput/);
      // The target really queued beyond its C (the overloaded steps were queueing, not refusals)...
      expect(server.maxQueued).toBeGreaterThan(2 * slots);
      // ...and every request was processed: the verdicts were about keeping up, not failures.
      expect(Object.keys(server.answered)).toEqual(['200']);
      expect(run.seconds, run.output).toBeLessThan(140);
    }, 160_000);
  }

  it('without PERF_CAPACITY the spec is skipped, saying how to enable it, and sends no load', async () => {
    server = await startCapacityServer({ slots: 5, serviceMs: 20, secret: SECRET });
    const run = await runCapacitySpec({ RATE_LIMIT: 'none', PERF_CAPACITY: '', WEBHOOK_URL: server.webhookUrl }, 60_000);
    expect(run.code, run.output).toBe(0);
    expect(run.output).toContain('opt-in: set PERF_CAPACITY=1 to run the capacity search');
    expect(server.answered[200]).toBe(1); // the preflight's probe, nothing else
  }, 70_000);
});
