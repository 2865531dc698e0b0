// Standard load: 100 signed requests at 100 req/min (the seed's
// test_load_100_requests_per_minute), with the seed's three assertions and
// every figure classified against its targets table.
import { describe, expect, it } from 'vitest';
import { formatSummary, runLoadTest } from '../helpers/index.ts';
import { plannedDurationMs, specTimeoutMs, ticketIdStart } from '../helpers/vitest/index.ts';
import { perfContext, SpecRecorder } from '../helpers/vitest/index.ts';
import { formatTargetsTable } from '../helpers/analysis/index.ts';

const context = perfContext();
const { config } = context;
const { requests, ratePerMinute, minSuccessPercent, maxP95Ms } = config.standard;
const plannedMs = plannedDurationMs(requests, ratePerMinute);
const title = `Load Test: ${requests} requests at ${ratePerMinute} req/min`;
const recorder = new SpecRecorder('standard', title, context);

describe(title, () => {
  it(
    `keeps success >= ${minSuccessPercent}% and P95 < ${maxP95Ms} ms with no failures`,
    async () => {
      await recorder.awaitRoom('load', { requests, ratePerSecond: ratePerMinute / 60 });
      const results = await runLoadTest(recorder.pacedLoad(requests, ratePerMinute, ticketIdStart(context.ticketIdBase, 'standard')));
      const summary = recorder.addRun('load', results);
      console.log(formatSummary(summary, title));
      console.log(formatTargetsTable(recorder.classify(summary)));
      await recorder.save();

      expect(summary).toMeetSuccessRate(minSuccessPercent);
      expect(summary).toHaveP95Below(maxP95Ms);
      expect(summary).toHaveNoFailures();
    },
    specTimeoutMs(plannedMs, config),
  );
});
