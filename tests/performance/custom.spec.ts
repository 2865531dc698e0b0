// The template to copy for a load test of your own (the seed's "Custom Load
// Tests"): pick a request count and a rate, run, read the summary, assert.
// Copy this file to tests/performance/<name>.spec.ts, change the numbers, run:
// the new spec gets its own ticket ids and its own report (<name>.json) from its
// file name, with nothing else to edit.
import { formatSummary, runLoadTest } from '../helpers/index.ts';
import {
  describeSpec,
  expect,
  perfContext,
  plannedDurationMs,
  specSettings,
  specTimeoutMs,
  test,
  type Threshold,
} from '../helpers/vitest/index.ts';

const { config } = perfContext(); // endpoints and config from the suite's globalSetup
// This spec's own settings (CUSTOM_* in .env.test or the environment), checked like the suite's:
// a bad value fails the spec before it sends anything, naming the variable. Rename them in a copy.
const { requests, requestsPerSecond } = specSettings((env) => ({
  requests: env.count('CUSTOM_REQUESTS', 20), // scaled by PERF_SCALE
  requestsPerSecond: env.number('CUSTOM_REQUESTS_PER_SECOND', 2, 0.01, 10_000),
}));
const plannedMs = plannedDurationMs(requests, requestsPerSecond * 60);
// What the run must show, as data (metrics: successRatePercent, p50Ms, p95Ms, p99Ms, maxMs, failures, throughputPerMinute).
const thresholds: Threshold[] = [
  { metric: 'successRatePercent', phase: 'load', op: '>=', value: 95 },
  { metric: 'p95Ms', phase: 'load', op: '<', value: 5000 },
];

describeSpec(`Custom load test: ${requests} requests at ${requestsPerSecond}/s`, () => {
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

      expect(recorder.judge(thresholds)).toPassThresholds(); // evaluated once: console, reports and JUnit show the same
    },
    specTimeoutMs(plannedMs, config),
  );
});
