// The template to copy for a load test of your own (the seed's "Custom Load
// Tests"): pick a request count and a rate, run, read the summary, assert.
// Copy this file to tests/performance/<name>.spec.ts and change the numbers;
// give it its own slot in SPEC_SLOTS (tests/helpers/perf-context.ts) so its
// ticket ids never collide with another spec's.
import { describe, expect, it } from 'vitest';
import { formatSummary, runLoadTest } from '../helpers/index.ts';
import { plannedDurationMs, specTimeoutMs, ticketIdStart } from '../helpers/vitest/index.ts';
import { perfContext, SpecRecorder } from '../helpers/vitest/index.ts';

const context = perfContext(); // endpoints and config from the suite's globalSetup
const { requests, requestsPerSecond } = context.config.custom; // CUSTOM_* in .env.test
const plannedMs = plannedDurationMs(requests, requestsPerSecond * 60);
const recorder = new SpecRecorder('custom', `Custom load test: ${requests} requests at ${requestsPerSecond}/s`, context);

describe('custom load test', () => {
  it(
    'meets my own targets',
    async () => {
      // The service limits each client (RATE_LIMIT): wait until its window has room for this run.
      await recorder.awaitRoom('load', { requests, ratePerSecond: requestsPerSecond });
      const results = await runLoadTest({
        ...recorder.answerRules(), // the service, the secret, Ctrl-C, what counts as success (SUCCESS_*)
        totalRequests: requests, // custom request count
        requestsPerSecond, // custom rate (open model: requests leave on schedule)
        ticketIdStart: ticketIdStart(context.ticketIdBase, 'custom'), // custom ticket id range
        maxDurationMs: plannedMs + 60_000, // a hard bound, whatever the server does
      });

      const summary = recorder.addRun('load', results);
      console.log(formatSummary(summary, recorder.title));
      console.log(`Success Rate: ${summary.successRatePercent.toFixed(1)}%`);
      console.log(`P95 Latency: ${summary.responseTimes.p95Ms.toFixed(2)}ms`);

      expect(summary).toMeetSuccessRate(95);
      expect(summary).toHaveP95Below(5000);
    },
    specTimeoutMs(plannedMs, context.config),
  );
});
