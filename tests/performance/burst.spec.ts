// Burst: 50 requests at once. The seed only asserted that one succeeded; here
// the service must shed the burst with rate limiting (429 + Retry-After), not
// fall over (no 5xx, no connection errors), finish within 5 s, and then serve
// the normal rate again.
import { request } from 'undici';
import { describe, expect, it } from 'vitest';
import { formatSummary, jsonObjectBody, runLoadTest, type LoadTestSummary } from '../helpers/index.ts';
import { plannedDurationMs, specTimeoutMs, ticketIdStart } from '../helpers/perf-context.ts';
import { retryAfterSeconds } from '../helpers/retry-after.ts';
import { perfContext, SpecRecorder } from '../helpers/spec-run.ts';

const context = perfContext();
const { config, stack } = context;
const { requests, maxDurationMs, expectRateLimit, recoveryRequests, recoveryRatePerMinute } = config.burst;
const title = `Burst Traffic Test: ${requests} requests at once`;
const recorder = new SpecRecorder('burst', title, context);
const firstTicket = ticketIdStart(context.ticketIdBase, 'burst');
/** Longest Retry-After the recovery step honours; a longer one is reported, not waited out. */
const MAX_RETRY_AFTER_S = 120;

const CONNECTION_ERRORS = ['connection_refused', 'connection_reset', 'timeout', 'other'];

let burst: LoadTestSummary | undefined;
let longestRetryAfterS = 0;

describe(title, () => {
  it(
    `sheds the burst within ${maxDurationMs} ms without falling over`,
    async () => {
      const results = await runLoadTest({
        url: stack.webhookUrl,
        secret: config.secret,
        signal: recorder.signal,
        totalRequests: requests,
        // no requestsPerSecond: burst mode, all due at once, all in flight together
        concurrency: requests,
        ticketIdStart: firstTicket,
        timeoutMs: maxDurationMs,
        maxDurationMs, // the bound is the assertion: anything unfinished by then is cancelled and counted
        captureHeaders: ['retry-after'],
        checkBody: jsonObjectBody, // a 200 must carry the contract's JSON object (429s are not checked)
      });
      burst = recorder.addRun('burst', results);
      console.log(formatSummary(burst, title));

      const limited = results.samples.filter((sample) => sample.status === 429);
      const retryAfter = limited.map((sample) => results.capturedHeaders.get(sample.index)?.['retry-after']);
      const seconds = retryAfter.map((value) => (value === undefined ? Number.NaN : retryAfterSeconds(value)));
      longestRetryAfterS = Math.max(0, ...seconds.filter(Number.isFinite));
      recorder.note('rateLimited', { count: limited.length, retryAfter, longestRetryAfterS });
      console.log(`Rate limited: ${limited.length} of ${burst.totalRequests} (longest Retry-After ${longestRetryAfterS} s)`);
      await recorder.save();

      expect(burst.endReason, `the burst must finish within ${maxDurationMs} ms`).toBe('completed');
      expect(burst.cancelledCount + burst.notSentCount, 'requests cut off by the time bound').toBe(0);
      expect(burst.successCount, 'requests that succeeded during the burst').toBeGreaterThanOrEqual(1);
      const serverErrors = Object.keys(burst.statusCodes).filter((code) => Number(code) >= 500);
      expect(serverErrors, 'the service fell over: 5xx answers during the burst').toEqual([]);
      const connectionErrors = Object.keys(burst.errorClasses).filter((name) => CONNECTION_ERRORS.includes(name));
      expect(connectionErrors, 'requests that got no HTTP answer').toEqual([]);
      if (expectRateLimit) {
        expect(limited.length, 'rate limiting should answer part of the burst with 429 (EXPECT_RATE_LIMIT=true)').toBeGreaterThanOrEqual(1);
        expect(seconds.filter((s) => !Number.isFinite(s)).length, '429 answers without a readable Retry-After header').toBe(0);
      }
    },
    maxDurationMs + 30_000,
  );

  const recoveryPlannedMs = plannedDurationMs(recoveryRequests, recoveryRatePerMinute);
  it(
    `recovers: after Retry-After, ${recoveryRequests} requests at ${recoveryRatePerMinute}/min all succeed`,
    async () => {
      expect(longestRetryAfterS, `Retry-After over ${MAX_RETRY_AFTER_S} s is not a recovery this spec waits for`).toBeLessThanOrEqual(MAX_RETRY_AFTER_S);
      await new Promise((resolve) => setTimeout(resolve, longestRetryAfterS * 1000));
      const results = await runLoadTest(recorder.pacedLoad(recoveryRequests, recoveryRatePerMinute, firstTicket + requests));
      const summary = recorder.addRun('recovery', results);
      console.log(formatSummary(summary, `Recovery: ${recoveryRequests} requests at ${recoveryRatePerMinute} req/min`));
      const health = await request(stack.healthUrl, { signal: AbortSignal.timeout(5000) });
      await health.body.dump();
      await recorder.save();

      expect(summary).toHaveNoFailures();
      expect(health.statusCode, `health after the burst (${stack.healthUrl})`).toBe(200);
    },
    MAX_RETRY_AFTER_S * 1000 + specTimeoutMs(recoveryPlannedMs, config.requestTimeoutMs),
  );
});
