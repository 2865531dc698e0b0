// Burst: 50 requests at once. The service must serve the burst when its
// rate-limit window has room for it (a 429 inside the budget is a limiter that
// fires early), then shed a phase sent past the remaining budget exactly as the
// declared policy (RATE_LIMIT) says: admit no more than it allows and refuse
// the rest with 429, never a 5xx or a dropped connection. Retry-After is
// recorded and, when present, must be sane; then the normal rate must be served
// again. With RATE_LIMIT=none the burst must simply be absorbed.
import {
  activationPlan,
  describe,
  describePolicy,
  expect,
  healthAfter,
  perfContext,
  perfTest,
  setting,
  waitForRetryAfter,
  type LoadRun,
} from '../helpers/index.ts';

// Not scaled by PERF_SCALE: a burst smaller than the service's bucket would not test rate limiting at all.
const requests = setting('BURST_REQUESTS', 50, { min: 1, max: 1_000_000, integer: true });
const withinMs = setting('BURST_MAX_DURATION_MS', 5000, { min: 100, max: 3_600_000, integer: true });
const requireRetryAfter = setting('REQUIRE_RETRY_AFTER', false);
const recoveryRequests = setting('BURST_RECOVERY_REQUESTS', 10, { min: 1, max: 10_000, integer: true });
const recoveryPerMinute = setting('BURST_RECOVERY_RATE_PER_MIN', 100, { min: 1, max: 600_000 });

const policy = perfContext().config.rateLimit;
/** The burst itself goes past the policy: it is then the phase that meets the limiter. */
const overPolicy = policy !== null && requests > policy.limit;
/** The phases the limiter answered; the recovery honours their Retry-After. */
const limited: LoadRun[] = [];

describe(`Burst Traffic Test: ${requests} requests at once`, () => {
  perfTest(
    overPolicy
      ? `sheds a burst of ${requests} (over the policy) as the policy says, within ${withinMs} ms`
      : `serves all ${requests} at once within ${withinMs} ms when the window has room, without falling over`,
    async ({ load }) => {
      // From an empty window, so the limiter is judged with nothing of ours at its edge. Every
      // repetition (PERF_REPEAT) waits for its own empty window, and the matchers judge each.
      const burst = await load({
        phase: 'burst',
        requests,
        rate: 'burst',
        room: 'empty window',
        timeoutMs: withinMs,
        maxDurationMs: withinMs, // the bound is the check: anything unfinished by then is cut off and counted
        captureHeaders: ['retry-after'],
      });
      limited.push(burst);
      expect(burst).toBeAbsorbed({ withinMs });
      expect(burst).toRespectRateLimit(policy); // within the budget every request is served
      expect(burst).toHaveSaneRetryAfter({ policy, required: requireRetryAfter });
    },
  );

  perfTest(
    'rate limiting activates as declared: past the budget, no more admitted than the policy allows, the rest refused with 429',
    async ({ load, recorder, skip }) => {
      if (policy === null) return skip('RATE_LIMIT=none: the service is declared not to limit, so rate limiting was not checked');
      if (overPolicy) return skip(`the burst of ${requests} already went past the policy (${describePolicy(policy)}) and was judged there`);
      // The room left in the window now, plus max(10, limit / 5): surely past the budget.
      const plan = activationPlan(policy, recorder.sent());
      if (plan.tooLarge !== undefined) return skip(plan.tooLarge);
      // Once, also with PERF_REPEAT: its size is the room the window has at this moment.
      const activation = await load({
        phase: 'activation',
        requests: plan.requests,
        rate: 'burst',
        room: 'none',
        repeats: false,
        captureHeaders: ['retry-after'],
      });
      limited.push(activation);
      expect(activation).toRespectRateLimit(policy);
      expect(activation).toHaveSaneRetryAfter({ policy, required: requireRetryAfter });
    },
  );

  perfTest(
    `recovers: after Retry-After and room in the window, ${recoveryRequests} requests at ${recoveryPerMinute}/min all succeed`,
    async ({ load, recorder }) => {
      await waitForRetryAfter(recorder, limited, policy); // the longest sane one; load() then waits for room
      // Once, also with PERF_REPEAT: it is the recovery from the shedding above.
      const recovery = await load({ phase: 'recovery', requests: recoveryRequests, rate: `${recoveryPerMinute}/min`, repeats: false });
      const health = await healthAfter(recorder, 'burst'); // null: no health URL (WEBHOOK_HEALTH_URL=none), said so
      expect(recovery).toMeet({ failures: ['==', 0] });
      if (health !== null) expect(health.status, `health after the burst (${health.url})`).toBe(200);
    },
  );
});
