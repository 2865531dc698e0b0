// Standard load: 100 signed requests at 100 req/min (the seed's
// test_load_100_requests_per_minute), with the seed's three assertions and
// every figure classified against its targets table.
import { formatSummary, runLoadTest } from '../helpers/index.ts';
import { describe, expect, perfContext, plannedDurationMs, specTimeoutMs, test } from '../helpers/vitest/index.ts';

const { config } = perfContext();
const { requests, ratePerMinute, minSuccessPercent, maxP95Ms } = config.standard;
const plannedMs = plannedDurationMs(requests, ratePerMinute);

describe(`Load Test: ${requests} requests at ${ratePerMinute} req/min`, () => {
  test(
    `keeps success >= ${minSuccessPercent}% and P95 < ${maxP95Ms} ms with no failures`,
    async ({ recorder }) => {
      await recorder.awaitRoom('load', { requests, ratePerSecond: ratePerMinute / 60 });
      const results = await runLoadTest(recorder.pacedLoad(requests, ratePerMinute));
      const summary = recorder.addRun('load', results);
      console.log(formatSummary(summary, recorder.title));
      recorder.classify(summary);

      expect(summary).toMeetSuccessRate(minSuccessPercent);
      expect(summary).toHaveP95Below(maxP95Ms);
      expect(summary).toHaveNoFailures();
    },
    specTimeoutMs(plannedMs, config),
  );
});
