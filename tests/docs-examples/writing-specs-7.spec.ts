// Extracted from docs/writing-specs.md (ts block 7) by scripts/docs-examples.ts.
// Do not edit: edit the page, then run `node --import tsx scripts/docs-examples.ts`.
import { perfTest, expect, setting } from '../helpers/index.ts';

const mode = setting('MY_MODE', 'fast', ['fast', 'slow']);

perfTest(`mode ${mode}`, async ({ load }) => {
  const run = await load(mode === 'fast' ? { requests: 20, rate: '2/s' } : { requests: 20, rate: '30/min' });
  expect(run).toMeet({ successRatePercent: ['>=', 95] });
});
