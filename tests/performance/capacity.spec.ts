// How much can it take? The highest arrival rate at which the service meets its SLOs
// (success above CAPACITY_MIN_SUCCESS_PERCENT, P95 below CAPACITY_MAX_P95_MS; the contract's
// targets by default), with its uncertainty (the bracket around the knee, within
// CAPACITY_TOLERANCE_PERCENT) and what limited it: latency, errors, the declared rate limiter
// (RATE_LIMIT: its 429s are a capacity limit, not errors) or the load generator itself.
// Opt-in (PERF_CAPACITY=1): skipped otherwise, so the default run takes no longer. The search
// (a ramp that brackets the knee, steady steps that bisect it, each waiting for room in the
// rate-limit window) is tests/helpers/vitest/capacity-search.ts; its rules are
// tests/helpers/analysis/capacity.ts.
import { capacitySearch, describe, expect, findCapacity, perfTest, setting } from '../helpers/index.ts';

// true (or 1): run the capacity search; otherwise the spec is skipped, saying so.
const enabled = setting('PERF_CAPACITY', false);
const search = capacitySearch({
  // The SLO on success: a rate meets it with a success rate above this percent.
  minSuccessPercent: setting('CAPACITY_MIN_SUCCESS_PERCENT', 99, { min: 0, max: 99.99 }),
  // The SLO on latency: a rate meets it with a P95 below this many ms.
  maxP95Ms: setting('CAPACITY_MAX_P95_MS', 2000, { min: 1, max: 600_000 }),
  // The ramp's first rate, requests per second; 0: 10/s, or the declared RATE_LIMIT's rate.
  startRps: setting('CAPACITY_START_RPS', 0, { min: 0, max: 100_000 }),
  // The highest rate offered (with a RATE_LIMIT policy: at most its rate plus the tolerance).
  maxRps: setting('CAPACITY_MAX_RPS', 1000, { min: 0.01, max: 100_000 }),
  // The ramp multiplies the rate by this each stage.
  growth: setting('CAPACITY_GROWTH', 2, { min: 1.1, max: 10 }),
  // The search stops when the bracket [low, high] is this narrow: high <= low * (1 + percent / 100).
  tolerancePercent: setting('CAPACITY_TOLERANCE_PERCENT', 10, { min: 1, max: 100 }),
  // Every step (ramp stage or steady step) sends at least this many requests.
  stepMinRequests: setting('CAPACITY_STEP_MIN_REQUESTS', 50, { min: 10, max: 100_000, integer: true }),
  // Every step lasts at least this many seconds.
  stepMinSeconds: setting('CAPACITY_STEP_MIN_SECONDS', 5, { min: 0.5, max: 600 }),
  // The whole search's time bound, waits for the rate-limit window included.
  maxSeconds: setting('CAPACITY_MAX_SECONDS', 300, { min: 10, max: 3600 }),
  // The whole search's request bound.
  maxRequests: setting('CAPACITY_MAX_REQUESTS', 100_000, { min: 100, max: 1_000_000, integer: true }),
  // A step whose schedule lag P99 is over this many ms is the generator's limit, not the service's (a lower bound).
  maxLagMs: setting('CAPACITY_MAX_LAG_MS', 50, { min: 1, max: 60_000 }),
  // Worker threads each step is spread over, one core each: for rates one process cannot send on time.
  workers: setting('CAPACITY_WORKERS', 1, { min: 1, max: 64, integer: true }),
});
const { knobs } = search;

describe(`Capacity: the highest arrival rate with success > ${knobs.minSuccessPercent} % and P95 < ${knobs.maxP95Ms} ms`, () => {
  perfTest(
    `brackets the knee with a ramp and bisects it to ${knobs.tolerancePercent} %, within ${knobs.maxSeconds} s`,
    async ({ recorder, skip }) => {
      if (!enabled) {
        return skip(
          `opt-in: set PERF_CAPACITY=1 to run the capacity search (at most CAPACITY_MAX_SECONDS=${knobs.maxSeconds} s and CAPACITY_MAX_REQUESTS=${knobs.maxRequests} requests)`,
        );
      }
      const capacity = await findCapacity(recorder, search);
      expect(capacity.endedBy, 'the search was interrupted').not.toBe('interrupted');
      expect(capacity.rps, `no rate met the SLOs: ${capacity.text}`).toBeGreaterThan(0);
    },
    search.boundMs, // the search bounds itself (CAPACITY_MAX_SECONDS); this is its test's ceiling
  );
});
