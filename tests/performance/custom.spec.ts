// A load test of your own: copy this file to tests/performance/<name>.spec.ts and
// change the plan and the criteria. The copy gets its own ticket ids and its own
// report (<name>.json) from its file name; its knobs are read from the environment.
import { expect, perfTest, setting } from '../helpers/index.ts';

const requests = setting('CUSTOM_REQUESTS', 20, 'count'); // scaled by PERF_SCALE
const perSecond = setting('CUSTOM_REQUESTS_PER_SECOND', 2, { min: 0.01, max: 10_000 });

perfTest(`custom: ${requests} requests at ${perSecond}/s`, async ({ load }) => {
  const run = await load({ requests, rate: `${perSecond}/s` });
  expect(run).toMeet({ successRatePercent: ['>=', 95], p95Ms: ['<', 5000] });
});
