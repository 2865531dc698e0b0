// Burst: the seed's 50 requests at once. The seed only asserted that one
// succeeded; here the service must serve the burst when its rate-limit window
// has room for it (a 429 inside the budget is a limiter that fires early), then
// shed an activation phase sent past the remaining budget exactly as the
// declared policy (RATE_LIMIT) says: admit no more than it allows and refuse
// the rest with 429, never a 5xx or a dropped connection. Retry-After is
// recorded and, when present, must be sane; then the normal rate must be
// served again. With RATE_LIMIT=none the burst must simply be absorbed.
import { request } from 'undici';
import { formatSummary, runLoadTest, type LoadTestResults, type LoadTestSummary } from '../helpers/index.ts';
import {
  answerTimes,
  describeSpec,
  describePolicy,
  EDGE_MARGIN_MS,
  expect,
  inWindow,
  judgeLimiter,
  perfContext,
  plannedDurationMs,
  retryAfterSeconds,
  sentTimes,
  sleep,
  specTimeoutMs,
  test as perfTest,
  type PhaseOutcome,
  type SpecRecorder,
} from '../helpers/vitest/index.ts';

const { config, stack } = perfContext();
const policy = config.rateLimit;
const { requests, maxDurationMs, requireRetryAfter, recoveryRequests, recoveryRatePerMinute } = config.burst;
/** The activation phase sends this many past the remaining budget (at least 10, a fifth of the limit). */
const overshoot = policy === null ? 0 : Math.max(10, Math.ceil(policy.limit / 5));
/** A policy that would need more than this in the activation phase is not checked (said so). */
const MAX_ACTIVATION_REQUESTS = 2000;
/** The burst itself goes past the policy: it is then the activation phase. */
const burstExceedsPolicy = policy !== null && requests > policy.limit;

const CONNECTION_ERRORS = ['connection_refused', 'connection_reset', 'timeout', 'other', 'aborted'];

/** The Retry-After values the burst's phases saw, which the recovery waits on. */
interface RetryAfterSeen {
  seconds: number[];
  missing: number;
}
const test = perfTest.extend('retryAfter', { scope: 'file' }, (): RetryAfterSeen => ({ seconds: [], missing: 0 }));

/** The counts the limiter verdict needs, from one phase's results. */
function outcomeOf(results: LoadTestResults): PhaseOutcome {
  const startMs = Date.parse(results.info.startedAt);
  const outcome: PhaseOutcome = {
    startMs,
    endMs: startMs + results.info.durationMs,
    sent: 0,
    admitted: 0,
    refused429: 0,
    noAnswer: 0,
    admittedFailures: {},
  };
  for (const sample of results.samples) {
    outcome.sent += 1;
    if (sample.status === 0) outcome.noAnswer += 1;
    else if (sample.status === 429) outcome.refused429 += 1;
    else {
      outcome.admitted += 1;
      if (!sample.ok) outcome.admittedFailures[sample.status] = (outcome.admittedFailures[sample.status] ?? 0) + 1;
    }
  }
  return outcome;
}

/** Reads the Retry-After of every 429: sane when whole seconds or a date, at most the window. */
function judgeRetryAfter(results: LoadTestResults, seen: RetryAfterSeen) {
  const windowS = policy === null ? Number.POSITIVE_INFINITY : policy.windowMs / 1000;
  const limited = results.samples.filter((sample) => sample.status === 429);
  const values = limited.map((sample) => results.capturedHeaders.get(sample.index)?.['retry-after']);
  const seconds = values.filter((v): v is string => v !== undefined).map((v) => retryAfterSeconds(v));
  const insane = values.filter((v) => v !== undefined && !(retryAfterSeconds(v) <= windowS + 1));
  seen.seconds.push(...seconds.filter(Number.isFinite));
  seen.missing += values.filter((v) => v === undefined).length;
  return {
    refused: limited.length,
    present: seconds.length,
    missing: values.length - seconds.length,
    insane,
    values: [...new Set(values)].slice(0, 10),
  };
}

function checkRetryAfter(recorder: SpecRecorder, phase: string, results: LoadTestResults, seen: RetryAfterSeen): void {
  const retry = judgeRetryAfter(results, seen);
  recorder.note(`${phase}RetryAfter`, retry);
  if (retry.refused === 0) return;
  console.log(`Retry-After on ${retry.present} of ${retry.refused} answers of 429 (values: ${retry.values.map(String).join(', ')})`);
  if (retry.missing > 0 && !requireRetryAfter) {
    const advice = `${retry.missing} answers of 429 carry no Retry-After header; RFC 9110 recommends one so clients know when to retry (REQUIRE_RETRY_AFTER=true makes this a failure)`;
    console.log(`[perf] recommendation: ${advice}`);
    recorder.note('recommendations', [advice]);
  }
  expect(
    retry.insane,
    `Retry-After values that are not whole seconds or a date within the window (${policy ? describePolicy(policy) : 'no policy'})`,
  ).toEqual([]);
  if (requireRetryAfter) expect(retry.missing, '429 answers without a Retry-After header (REQUIRE_RETRY_AFTER=true)').toBe(0);
}

/** Every request of a phase answered in time, no 5xx, no request without an HTTP answer. */
function expectAbsorbed(summary: LoadTestSummary, what: string): void {
  expect(summary.endReason, `the ${what} must finish within ${maxDurationMs} ms`).toBe('completed');
  expect(summary.cancelledCount + summary.notSentCount, `requests of the ${what} cut off by the time bound`).toBe(0);
  const serverErrors = Object.keys(summary.statusCodes).filter((code) => Number(code) >= 500);
  expect(serverErrors, `the service fell over: 5xx answers during the ${what}`).toEqual([]);
  const connectionErrors = Object.keys(summary.errorClasses).filter((name) => CONNECTION_ERRORS.includes(name));
  expect(connectionErrors, `requests of the ${what} that got no HTTP answer`).toEqual([]);
}

/** Runs `count` requests at once from this spec's ticket block plus `ticketOffset`. */
function atOnce(recorder: SpecRecorder, count: number, ticketOffset: number, boundMs: number) {
  return runLoadTest({
    ...recorder.answerRules(),
    totalRequests: count,
    // no requestsPerSecond: burst mode, all due at once, all in flight together
    concurrency: Math.min(count, 256),
    ticketIdStart: recorder.ticketId(ticketOffset),
    timeoutMs: boundMs,
    maxDurationMs: boundMs, // the bound is the assertion: anything unfinished by then is cancelled and counted
    captureHeaders: ['retry-after'],
  });
}

const windowWaitMs = specTimeoutMs(0, config) - specTimeoutMs(0, { ...config, rateLimit: null });

describeSpec(`Burst Traffic Test: ${requests} requests at once`, () => {
  test(
    burstExceedsPolicy
      ? `sheds a burst of ${requests} (over the policy) as the policy says, within ${maxDurationMs} ms`
      : `serves all ${requests} at once within ${maxDurationMs} ms when the window has room, without falling over`,
    async ({ recorder, retryAfter }) => {
      // A new run (PERF_REPEAT): its recovery waits on its own Retry-After values.
      retryAfter.seconds.length = 0;
      retryAfter.missing = 0;
      // Room for a whole window at once, i.e. none of our earlier requests left in it: the burst and the
      // activation then judge the limiter with nothing of ours at the window's edge (no tolerance needed).
      await recorder.awaitRoom(
        'burst',
        { requests: policy === null ? requests : policy.limit, ratePerSecond: null },
        `the phase sends ${requests} at once and then goes past the budget, so it waits for an empty window (the limiter is then judged with nothing of ours at its edge)`,
      );
      const earlier = await recorder.sent();
      const results = await atOnce(recorder, requests, 0, maxDurationMs);
      const burst = recorder.addRun('burst', results);
      console.log(formatSummary(burst, recorder.title));
      const outcome = outcomeOf(results);

      expectAbsorbed(burst, 'burst');
      if (policy === null) {
        console.log('[perf] rate limiting was not checked: RATE_LIMIT=none declares a service without rate limiting');
        recorder.note('rateLimiting', 'not checked: RATE_LIMIT=none');
        expect(burst.successCount, 'requests of the burst served').toBe(requests);
        return;
      }
      if (burstExceedsPolicy) {
        const verdict = judgeLimiter(policy, earlier, outcome);
        recorder.note('limiter', { phase: 'burst', ...verdict });
        console.log(`Rate limiting: ${verdict.summary}`);
        checkRetryAfter(recorder, 'burst', results, retryAfter);
        expect(verdict.problems, verdict.summary).toEqual([]);
        return;
      }
      const inWindowBefore = inWindow(answerTimes(earlier), outcome.startMs, policy);
      expect(
        outcome.refused429,
        `the limiter fired early: ${outcome.refused429} of ${requests} refused with 429 while the declared policy (${describePolicy(policy)}) ` +
          `left room for all of them (${inWindowBefore} earlier requests of this suite in the window)`,
      ).toBe(0);
      expect(burst.successCount, `requests of the burst served (${burst.failureCount} failed: ${JSON.stringify(burst.errorClasses)})`).toBe(
        requests,
      );
    },
    maxDurationMs + windowWaitMs + 30_000,
  );

  test(
    'rate limiting activates as declared: past the budget, no more admitted than the policy allows, the rest refused with 429',
    async ({ recorder, retryAfter, skip }) => {
      if (policy === null) return skip('RATE_LIMIT=none: the service is declared not to limit, so rate limiting was not checked');
      if (burstExceedsPolicy)
        return skip(`the burst of ${requests} already went past the policy (${describePolicy(policy)}) and was judged there`);
      const earlier = await recorder.sent();
      // Past the budget for sure: the room left counted from the send times (the fewest still in), plus the overshoot.
      const count = Math.max(0, policy.limit - inWindow(sentTimes(earlier), Date.now(), policy, 0)) + overshoot;
      if (count > MAX_ACTIVATION_REQUESTS) {
        return skip(
          `the policy (${describePolicy(policy)}) would need ${count} requests at once, over this spec's bound of ${MAX_ACTIVATION_REQUESTS}`,
        );
      }
      console.log(`Activation: ${count} requests at once, ${overshoot} past the remaining budget of the policy ${describePolicy(policy)}`);
      const results = await atOnce(recorder, count, 1_000_000, config.requestTimeoutMs + 10_000);
      const summary = recorder.addRun('activation', results);
      console.log(formatSummary(summary, `Activation: ${count} requests at once`));
      const outcome = outcomeOf(results);
      const verdict = judgeLimiter(policy, earlier, outcome);
      recorder.note('limiter', { phase: 'activation', tolerance: `±${EDGE_MARGIN_MS} ms at the window's edge`, ...verdict });
      console.log(`Rate limiting: ${verdict.summary}`);

      expect(verdict.problems, verdict.summary).toEqual([]);
      const notServed = Object.entries(outcome.admittedFailures).filter(([status]) => Number(status) < 500);
      expect(notServed, 'admitted requests answered with a failure other than 429').toEqual([]);
      checkRetryAfter(recorder, 'activation', results, retryAfter);
    },
    config.requestTimeoutMs + 40_000,
  );

  const recoveryPlannedMs = plannedDurationMs(recoveryRequests, recoveryRatePerMinute);
  test(
    `recovers: after Retry-After and room in the window, ${recoveryRequests} requests at ${recoveryRatePerMinute}/min all succeed`,
    async ({ recorder, retryAfter }) => {
      const plan = { requests: recoveryRequests, ratePerSecond: recoveryRatePerMinute / 60 };
      const windowS = policy === null ? 0 : policy.windowMs / 1000;
      const saneRetryAfter = retryAfter.missing === 0 && retryAfter.seconds.length > 0 && retryAfter.seconds.every((s) => s <= windowS + 1);
      // Retry-After promises one follow-up request, not the whole recovery: wait for it, and then
      // (from the ledger) until the window has room for every recovery request, whichever is later.
      if (saneRetryAfter) {
        const longest = Math.max(...retryAfter.seconds);
        console.log(`[perf] rate limit: burst/recovery waits the longest Retry-After, ${longest} s`);
        recorder.note('recoveryRetryAfterWaitS', longest);
        await sleep(longest * 1000, recorder.signal);
      }
      await recorder.awaitRoom('recovery', plan); // bounded by the window
      const results = await runLoadTest(recorder.pacedLoad(recoveryRequests, recoveryRatePerMinute, 2_000_000));
      const summary = recorder.addRun('recovery', results);
      console.log(formatSummary(summary, `Recovery: ${recoveryRequests} requests at ${recoveryRatePerMinute} req/min`));
      // No health URL (WEBHOOK_HEALTH_URL=none): the recovery's own answers are the evidence; said, not silently passed.
      const healthUrl = stack.healthUrl;
      const health = healthUrl === null ? null : await request(healthUrl, { signal: AbortSignal.timeout(5000) });
      await health?.body.dump();
      if (health === null) {
        console.log('[perf] burst: health after the burst not checked: the service has no health URL (WEBHOOK_HEALTH_URL=none)');
        recorder.note('healthAfterBurst', 'not checked: WEBHOOK_HEALTH_URL=none');
      }

      expect(recorder.judge([{ metric: 'failures', phase: 'recovery', op: '==', value: 0 }])).toPassThresholds();
      if (health !== null) expect(health.statusCode, `health after the burst (${healthUrl})`).toBe(200);
    },
    2 * windowWaitMs + specTimeoutMs(recoveryPlannedMs, config),
  );
});
