// Extracted from docs/writing-specs.md (ts block 4) by scripts/docs-examples.ts.
// Do not edit: edit the page, then run `node --import tsx scripts/docs-examples.ts`.
import { perfTest, expect } from '../helpers/index.ts';

perfTest('a burst of 20', async ({ load }) => {
  const run = await load({ phase: 'burst', requests: 20, rate: 'burst' });
  expect(run).toMeet({ failures: ['==', 0], maxMs: ['<=', 5000] });
  expect(run.p95Ms).toBeLessThan(3000); // plain matchers work on the figures too
});
