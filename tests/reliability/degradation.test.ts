// The sustained spec judges degradation as a change over the run: against a service whose
// processing time doubles steadily from the first request to the last, the real spec, run as
// a user runs it (`vitest run --project performance tests/performance/sustained.spec.ts`),
// fails naming degradation; against stable services at 30-40 ms and at 1-3 ms (where noise
// is a large percentage of very little: the floor in ms) it passes. Each run: 100 requests at
// 180 a minute (about 33 s); the target publishes no metrics, so the memory and pool checks
// skip.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { childEnv, runVitest } from '../support/child-vitest.ts';
import { startDriftingServer, type DriftingServer, type DriftingServerOptions } from './fixtures/drifting-server.ts';

const SECRET = 'test_secret_key_12345';
/** SUSTAINED_REQUESTS=200 at PERF_SCALE=0.5. */
const REQUESTS = 100;

let server: DriftingServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

interface Degradation {
  degradationPercent: number;
  changeMs: number;
  trendStartMs: number;
  trendEndMs: number;
  halfSplitP95Percent: number;
  floorMs: number;
  verdict: string;
}

/** Runs the sustained spec against `target` in a child Vitest, bounded; its exit code, output, time and degradation figures. */
async function runSustained(target: Omit<DriftingServerOptions, 'secret'>) {
  server = await startDriftingServer({ ...target, secret: SECRET });
  const reportDir = mkdtempSync(join(tmpdir(), 'degradation-'));
  const env = childEnv({
    WEBHOOK_STACK: 'external',
    WEBHOOK_URL: server.webhookUrl,
    WEBHOOK_SECRET: SECRET,
    WEBHOOK_METRICS_URL: '',
    RATE_LIMIT: 'none',
    PERF_BASELINE: '',
    PERF_REPEAT: '1',
    PERF_REPORT_DIR: reportDir,
    PERF_SCALE: '0.5',
    SUSTAINED_REQUESTS: '200',
    SUSTAINED_RATE_PER_MIN: '180',
  });
  const run = await runVitest(['--project', 'performance', 'tests/performance/sustained.spec.ts'], env, 110_000);
  let degradation: Degradation | undefined;
  try {
    degradation = (JSON.parse(readFileSync(join(reportDir, 'sustained.json'), 'utf8')) as { degradation?: Degradation }).degradation;
  } catch {
    degradation = undefined;
  }
  const figures = degradation
    ? `${degradation.trendStartMs.toFixed(1)} -> ${degradation.trendEndMs.toFixed(1)} ms, degradationPercent ${degradation.degradationPercent.toFixed(1)} ` +
      `(change ${degradation.changeMs.toFixed(1)} ms; former half-split P95 ${degradation.halfSplitP95Percent.toFixed(1)} %)`
    : 'no degradation figures';
  console.log(
    `[degradation] ${target.lowMs}-${target.highMs} ms${target.doubleAfter ? ', doubling' : ''}: ${figures}, ${run.seconds.toFixed(0)} s`,
  );
  return { ...run, degradation };
}

describe('the sustained spec against services whose latency does or does not change over the run', () => {
  it('latency doubling steadily over the run (30-40 ms to 60-80 ms): fails, naming degradation', async () => {
    const run = await runSustained({ lowMs: 30, highMs: 40, doubleAfter: REQUESTS });
    expect(run.code, run.output).not.toBe(0);
    expect(run.output).toMatch(/FAIL\s+load: Latency degradation < 50% \(measured \d+\.\d+%\)/);
    expect(run.output).toMatch(/Degradation: latency rises over the run, beyond noise \(start to end 3\d\.\d ms -> [67]\d\.\d ms/);
    expect(run.degradation, run.output).toBeDefined();
    expect(run.degradation!.degradationPercent).toBeGreaterThan(70);
    expect(run.degradation!.degradationPercent).toBeLessThan(140);
  }, 130_000);

  for (const [lowMs, highMs] of [
    [30, 40],
    [1, 3],
  ] as const) {
    it(`stable at ${lowMs}-${highMs} ms: passes`, async () => {
      const run = await runSustained({ lowMs, highMs });
      expect(run.code, run.output).toBe(0);
      expect(run.output).toMatch(/pass\s+load: Latency degradation < 50% \(measured -?\d+(\.\d+)?%\)/);
      expect(run.degradation, run.output).toBeDefined();
      expect(Math.abs(run.degradation!.degradationPercent)).toBeLessThan(25);
      // The fast one's noise is a large share of its latency, but a small number of ms: under the floor.
      if (highMs < 5) expect(Math.abs(run.degradation!.changeMs)).toBeLessThan(run.degradation!.floorMs);
    }, 130_000);
  }
});
