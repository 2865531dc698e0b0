import { describe, expect, it } from 'vitest';
import { findBottlenecks, formatProfile, Profiler } from '../../helpers/engine/profiler.ts';

/** A clock the test moves by hand, so the arithmetic is exact. */
function manualClock() {
  let t = 0;
  return { now: () => t, advance: (ms: number) => void (t += ms) };
}

describe('profiler', () => {
  it('charges self time, so nested operations are not counted twice', async () => {
    const clock = manualClock();
    const profiler = new Profiler(clock.now);
    for (let i = 0; i < 2; i += 1) {
      await profiler.measure('end_to_end', async () => {
        profiler.measureSync('payload_generation', () => clock.advance(1));
        profiler.measureSync('signature_generation', () => clock.advance(1));
        await profiler.measure('http_request', async () => {
          clock.advance(10);
          profiler.measureSync('response_parsing', () => clock.advance(2)); // nested in http_request
        });
        clock.advance(6); // untracked
      });
    }
    const report = profiler.report('end_to_end');
    const row = (name: string) => report.rows.find((r) => r.operation === name)!;
    expect(report.rootTotalMs).toBe(40);
    expect(row('http_request')).toMatchObject({ count: 2, totalMs: 24, selfMs: 20, avgMs: 12, percentOfRoot: 50 });
    expect(row('response_parsing').percentOfRoot).toBe(10);
    expect(report.unaccountedMs).toBe(12);
    const childShares = report.rows.filter((r) => r.operation !== 'end_to_end').reduce((sum, r) => sum + r.percentOfRoot, 0);
    expect(childShares + (report.unaccountedMs / report.rootTotalMs) * 100).toBeCloseTo(100);
    expect(findBottlenecks(report, 10).map((r) => r.operation)).toEqual(['http_request']);
  });

  it('records a span even when the operation throws', async () => {
    const clock = manualClock();
    const profiler = new Profiler(clock.now);
    await expect(
      profiler.measure('end_to_end', async () => {
        clock.advance(3);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(profiler.report('end_to_end').rootTotalMs).toBe(3);
  });

  it('renders the table with the advice for a bottleneck', async () => {
    const clock = manualClock();
    const profiler = new Profiler(clock.now);
    await profiler.measure('end_to_end', async () => {
      await profiler.measure('http_request', async () => clock.advance(90));
      clock.advance(10);
    });
    const text = formatProfile(profiler.report('end_to_end'), 10);
    expect(text).toMatch(/http_request\s+90\.00\s+90\.00/);
    expect(text).toContain('!  http_request: 90.0% of end_to_end');
    expect(text).toContain('connection pooling');
    expect(() => profiler.report('missing')).toThrow('no span named "missing"');
  });
});
