// The template to copy for a load test of your own (the seed's "Custom Load
// Tests"): pick a request count and a rate, run, read the summary, assert.
// Copy this file to tests/performance/<name>.spec.ts, change the numbers, run:
// the new spec gets its own ticket ids and its own report (<name>.json) from its
// file name, with nothing else to edit.
import { formatSummary, runLoadTest } from '../helpers/index.ts';
import { describe, expect, perfContext, plannedDurationMs, specTimeoutMs, test } from '../helpers/vitest/index.ts';

const { config } = perfContext(); // endpoints and config from the suite's globalSetup
const { requests, requestsPerSecond } = config.custom; // CUSTOM_* in .env.test
const plannedMs = plannedDurationMs(requests, requestsPerSecond * 60);

describe(`Custom load test: ${requests} requests at ${requestsPerSecond}/s`, () => {
  test(
    'meets my own targets',
    async ({ recorder }) => {
      // The service limits each client (RATE_LIMIT): wait until its window has room for this run.
      await recorder.awaitRoom('load', { requests, ratePerSecond: requestsPerSecond });
      const results = await runLoadTest({
        ...recorder.answerRules(), // the service, the secret, Ctrl-C, what counts as success (SUCCESS_*)
        totalRequests: requests, // custom request count
        requestsPerSecond, // custom rate (open model: requests leave on schedule)
        ticketIdStart: recorder.ticketId(), // this spec's own ticket ids
        maxDurationMs: plannedMs + 60_000, // a hard bound, whatever the server does
      });

      const summary = recorder.addRun('load', results);
      console.log(formatSummary(summary, recorder.title));
      console.log(`Success Rate: ${summary.successRatePercent.toFixed(1)}%`);
      console.log(`P95 Latency: ${summary.responseTimes.p95Ms.toFixed(2)}ms`);

      expect(summary).toMeetSuccessRate(95);
      expect(summary).toHaveP95Below(5000);
    },
    specTimeoutMs(plannedMs, config),
  );
});
