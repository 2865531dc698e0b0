// Extracted from docs/writing-specs.md (ts block 2) by scripts/docs-examples.ts.
// Do not edit: edit the page, then run `node --import tsx scripts/docs-examples.ts`.
import { perfTest, expect } from '../helpers/index.ts';

perfTest('warm-up, then a steady minute', async ({ load }) => {
  await load({ phase: 'warm-up', requests: 10, rate: '1/s' });
  const steady = await load({ phase: 'steady', requests: 60, rate: '60/min' });
  expect(steady).toMeet({ p95Ms: ['<', 2000], degradationPercent: ['<', 50] });
});
