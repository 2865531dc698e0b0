// Sustained load: 200 requests at 100 req/min (about 2 minutes). The seed's
// checks (success rate, degradation < 50 %) plus what it only claimed:
// no memory growth and no Freshdesk pool requests left pending, read from the
// server's own metrics before, during and after the run.
import { formatSummary, runLoadTest } from '../helpers/index.ts';
import {
  describeSpec,
  describeThreshold,
  expect,
  fetchSettledMetrics,
  missingFor,
  perfContext,
  plannedDurationMs,
  pollMetrics,
  specTimeoutMs,
  test as perfTest,
  type MetricsResult,
  type Threshold,
} from '../helpers/vitest/index.ts';

const { config, stack } = perfContext();
const { requests, ratePerMinute, minSuccessPercent, maxDegradationPercent, maxRssGrowthMb } = config.sustained;
const plannedMs = plannedDurationMs(requests, ratePerMinute);
const thresholds: Threshold[] = [
  { metric: 'successRatePercent', phase: 'load', op: '>=', value: minSuccessPercent },
  // Over the successes only: a 429 at the window's edge is fast and would fake a trend (left out, and said so).
  { metric: 'degradationPercent', phase: 'load', op: '<', value: maxDegradationPercent },
];

/** The server's metrics around the load run, which the later checks read. */
const test = perfTest.extend('metrics', { scope: 'file' }, (): { before: MetricsResult; after: MetricsResult } => {
  const none: MetricsResult = { available: false, reason: 'the load run did not happen' };
  return { before: none, after: none };
});

describeSpec(`Sustained load: ${requests} requests at ${ratePerMinute} req/min`, () => {
  test(
    `keeps ${thresholds.map(describeThreshold).join(', ')}`,
    async ({ recorder, metrics }) => {
      // A new run (PERF_REPEAT): the memory and pool checks must never judge an earlier run's snapshots.
      const none: MetricsResult = { available: false, reason: 'the load run did not finish' };
      Object.assign(metrics, { before: none, after: none });
      await recorder.awaitRoom('load', { requests, ratePerSecond: ratePerMinute / 60 });
      metrics.before = await fetchSettledMetrics(stack.metricsUrl);
      const poll = pollMetrics(stack.metricsUrl, 5000);
      const results = await runLoadTest(recorder.pacedLoad(requests, ratePerMinute));
      const summary = recorder.addRun('load', results); // at once: the ledger must not wait for the metrics
      const series = await poll.stop();
      metrics.after = await fetchSettledMetrics(stack.metricsUrl);

      const degradation = recorder.degradation(results);
      recorder.serverMetrics(metrics.before, metrics.after);
      recorder.note('metricsSeries', series);
      console.log(formatSummary(summary, recorder.title));
      recorder.classify(summary);

      expect(recorder.judge(thresholds, { degradationPercent: degradation.degradationPercent })).toPassThresholds();
    },
    specTimeoutMs(plannedMs, config),
  );

  test(`server memory grows by less than ${maxRssGrowthMb} MB`, ({ metrics: { before, after }, skip }) => {
    const reason = missingFor(before, ['rssBytes']) ?? missingFor(after, ['rssBytes']);
    if (reason) return skip(`needs process.rss_bytes from ${stack.metricsUrl}: ${reason}`);
    if (!before.available || !after.available) return;
    const growthMb = (after.metrics.rssBytes! - before.metrics.rssBytes!) / 2 ** 20;
    console.log(
      `Server RSS: ${(before.metrics.rssBytes! / 2 ** 20).toFixed(1)} MB -> ${(after.metrics.rssBytes! / 2 ** 20).toFixed(1)} MB (${growthMb >= 0 ? '+' : ''}${growthMb.toFixed(1)} MB)`,
    );
    expect(growthMb, 'RSS growth over the sustained run, in MB').toBeLessThan(maxRssGrowthMb);
  });

  test('leaves no Freshdesk API requests pending or running (no pool exhaustion)', ({ metrics: { after }, skip }) => {
    const reason = missingFor(after, ['pool']);
    if (reason) return skip(`needs freshdesk_pool from ${stack.metricsUrl}: ${reason}`);
    if (!after.available) return;
    const pool = after.metrics.pool!;
    console.log(
      `Freshdesk pool after the run: connected ${pool.connected}, pending ${pool.pending}, running ${pool.running}, size ${pool.size}`,
    );
    expect(pool.pending, 'requests queued for a Freshdesk connection').toBe(0);
    expect(pool.running, 'Freshdesk requests still running after every webhook was answered').toBe(0);
  });
});
