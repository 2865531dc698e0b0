// Standard load: 100 signed requests at 100 a minute, the service's everyday
// pace. Every request must succeed and P95 stay under 5 s.
import { expect, perfTest, setting } from '../helpers/index.ts';

const requests = setting('STANDARD_REQUESTS', 100, 'count'); // the requests sent (times PERF_SCALE)
const perMinute = setting('STANDARD_RATE_PER_MIN', 100, { min: 1, max: 600_000 }); // their pace, requests a minute
const minSuccessPercent = setting('STANDARD_MIN_SUCCESS_PERCENT', 95, { max: 100 }); // a lower success rate fails the spec
const maxP95Ms = setting('STANDARD_MAX_P95_MS', 5000, { min: 1, max: 3_600_000 }); // a P95 at or over this fails the spec

perfTest(`Load Test: ${requests} requests at ${perMinute} req/min`, async ({ load }) => {
  const run = await load({ requests, rate: `${perMinute}/min` });
  expect(run).toMeet({ successRatePercent: ['>=', minSuccessPercent], p95Ms: ['<', maxP95Ms], failures: ['==', 0] });
});
