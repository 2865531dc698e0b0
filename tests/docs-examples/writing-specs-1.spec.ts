// Extracted from docs/writing-specs.md (ts block 1) by scripts/docs-examples.ts.
// Do not edit: edit the page, then run `node --import tsx scripts/docs-examples.ts`.
import { perfTest, expect, setting } from '../helpers/index.ts';

const requests = setting('MY_REQUESTS', 30, 'count'); // a request count, scaled by PERF_SCALE
const perSecond = setting('MY_RATE', 2); // a number
const strict = setting('MY_STRICT', false); // a boolean

perfTest(`my service: ${requests} requests at ${perSecond}/s`, async ({ load }) => {
  const run = await load({ requests, rate: `${perSecond}/s` });
  expect(run).toMeet({ successRatePercent: ['>=', strict ? 99.9 : 99], p95Ms: ['<', 3000] });
});
