// Sustained load: 200 requests at 100 req/min (about 2 minutes). The success
// rate and no degradation over the run (latency at its end against its start, on a
// trend fitted over the successes; a change under a floor in ms counts as none),
// plus what the service only claimed: no memory growth and no Freshdesk pool
// requests left pending, read from its own metrics before, during and after the run.
import { describe, expect, metricsMissing, perfTest, setting, withServerMetrics, type ServerMetricsAround } from '../helpers/index.ts';

const requests = setting('SUSTAINED_REQUESTS', 200, 'count');
const perMinute = setting('SUSTAINED_RATE_PER_MIN', 100, { min: 1, max: 600_000 });
const minSuccessPercent = setting('SUSTAINED_MIN_SUCCESS_PERCENT', 95, { min: 0, max: 100 });
// The most latency may rise from the run's start to its end, in percent of the start (on the fitted trend)
const maxDegradationPercent = setting('SUSTAINED_MAX_DEGRADATION_PERCENT', 50, { min: 0, max: 10_000 });
// A change of latency from start to end smaller than this (ms) is not degradation (a fast service's noise)
const degradationFloorMs = setting('SUSTAINED_DEGRADATION_FLOOR_MS', 5, { min: 0, max: 60_000 });
const maxRssGrowthMb = setting('SUSTAINED_MAX_RSS_GROWTH_MB', 64, { min: 1, max: 100_000 });

/** The server's metrics around the load (every repetition of it), for the checks after it. */
const sustained: { server?: ServerMetricsAround } = {};

describe(`Sustained load: ${requests} requests at ${perMinute} req/min`, () => {
  const title = `keeps Success rate >= ${minSuccessPercent}%, latency degradation < ${maxDegradationPercent}% (start to end, ${degradationFloorMs} ms floor)`;
  perfTest(title, async ({ load, recorder }) => {
    const plan = { requests, rate: `${perMinute}/min`, degradation: { floorMs: degradationFloorMs } } as const;
    const { result: run, server } = await withServerMetrics(recorder, () => load(plan), { series: true });
    sustained.server = server;
    expect(run).toMeet({
      successRatePercent: ['>=', minSuccessPercent],
      // Over the successes only: a 429 at the window's edge is fast and would fake a trend (left out, and said so).
      degradationPercent: ['<', maxDegradationPercent],
    });
  });

  perfTest(`server memory grows by less than ${maxRssGrowthMb} MB`, ({ skip }) => {
    const missing = metricsMissing(sustained.server, 'rssBytes');
    skip(missing !== undefined, missing);
    expect(sustained.server).toShowNoMemoryGrowth(maxRssGrowthMb);
  });

  perfTest('leaves no Freshdesk API requests pending or running (no pool exhaustion)', ({ skip }) => {
    const missing = metricsMissing(sustained.server, 'pool');
    skip(missing !== undefined, missing);
    expect(sustained.server).toLeaveFreshdeskPoolIdle();
  });
});
