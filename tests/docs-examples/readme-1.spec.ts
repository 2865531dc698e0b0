// Extracted from README.md (ts block 1) by scripts/docs-examples.ts.
// Do not edit: edit the page, then run `node --import tsx scripts/docs-examples.ts`.
import { perfTest, expect } from '../helpers/index.ts';

perfTest('custom: 30 requests at 2/s', async ({ load }) => {
  const run = await load({ requests: 30, rate: '2/s' });
  expect(run).toMeet({ successRatePercent: ['>=', 99], p95Ms: ['<', 3000] });
});
