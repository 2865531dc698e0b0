// Standard load: 100 signed requests at 100 req/min (the seed's
// test_load_100_requests_per_minute), with the seed's three assertions and
// every figure classified against its targets table.
import { formatSummary, runLoadTest } from '../helpers/index.ts';
import {
  describeSpec,
  describeThreshold,
  expect,
  perfContext,
  plannedDurationMs,
  specTimeoutMs,
  test,
  type Threshold,
} from '../helpers/vitest/index.ts';

const { config } = perfContext();
const { requests, ratePerMinute, minSuccessPercent, maxP95Ms } = config.standard;
const plannedMs = plannedDurationMs(requests, ratePerMinute);
/** The seed's three assertions, as data: evaluated once, shown the same in the console, the reports and JUnit. */
const thresholds: Threshold[] = [
  { metric: 'successRatePercent', phase: 'load', op: '>=', value: minSuccessPercent },
  { metric: 'p95Ms', phase: 'load', op: '<', value: maxP95Ms },
  { metric: 'failures', phase: 'load', op: '==', value: 0 },
];

describeSpec(`Load Test: ${requests} requests at ${ratePerMinute} req/min`, () => {
  test(
    `keeps ${thresholds.map(describeThreshold).join(', ')}`,
    async ({ recorder }) => {
      await recorder.awaitRoom('load', { requests, ratePerSecond: ratePerMinute / 60 });
      const results = await runLoadTest(recorder.pacedLoad(requests, ratePerMinute));
      const summary = recorder.addRun('load', results);
      console.log(formatSummary(summary, recorder.title));
      recorder.classify(summary);

      expect(recorder.judge(thresholds)).toPassThresholds();
    },
    specTimeoutMs(plannedMs, config),
  );
});
