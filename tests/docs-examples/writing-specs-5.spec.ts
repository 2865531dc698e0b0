// Extracted from docs/writing-specs.md (ts block 5) by scripts/docs-examples.ts.
// Do not edit: edit the page, then run `node --import tsx scripts/docs-examples.ts`.
import { activationPlan, expect, perfContext, perfTest } from '../helpers/index.ts';

const policy = perfContext().config.rateLimit; // RATE_LIMIT; null for none

perfTest('a burst of 50 from an empty window, served within 5 s', async ({ load }) => {
  const burst = await load({
    phase: 'burst',
    requests: 50,
    rate: 'burst',
    room: 'empty window',
    timeoutMs: 5000,
    maxDurationMs: 5000, // the bound is the check: what is unfinished by then is cut off
    captureHeaders: ['retry-after'],
  });
  expect(burst).toBeAbsorbed({ withinMs: 5000 });
  expect(burst).toRespectRateLimit(policy);
  expect(burst).toHaveSaneRetryAfter({ policy, required: false });
});

perfTest('past the budget, the rest refused with 429', async ({ load, recorder, skip }) => {
  if (policy === null) return skip('RATE_LIMIT=none: rate limiting not checked');
  const plan = activationPlan(policy, recorder.sent()); // the room left now, plus max(10, limit / 5)
  if (plan.tooLarge !== undefined) return skip(plan.tooLarge);
  const past = await load({ phase: 'activation', requests: plan.requests, rate: 'burst', room: 'none', repeats: false });
  expect(past).toRespectRateLimit(policy);
});
