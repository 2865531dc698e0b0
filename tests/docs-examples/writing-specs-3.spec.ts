// Extracted from docs/writing-specs.md (ts block 3) by scripts/docs-examples.ts.
// Do not edit: edit the page, then run `node --import tsx scripts/docs-examples.ts`.
import { wrappedPayload } from '#engine';
import { perfTest, expect } from '../helpers/index.ts';

perfTest('a ramp to 1/s in Freshdesk shape', async ({ load }) => {
  const run = await load({
    phase: 'ramp',
    stages: [
      { durationMs: 30_000, targetRps: 1 }, // 0 -> 1/s over 30 s
      { durationMs: 30_000, targetRps: 1 }, // hold
    ],
    payload: wrappedPayload,
    captureHeaders: ['retry-after'],
  });
  expect(run.failures).toBe(0);
  expect(run.results.capturedHeaders.size).toBe(0); // no 429, so no Retry-After
});
