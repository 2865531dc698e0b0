// Profile: where a request's time goes, phase by phase, then requests between
// two metrics snapshots, reconciled against what the client saw: no request
// dropped or double-counted by the server.
import {
  describe,
  expect,
  formatStatuses,
  metricsMissing,
  perfTest,
  profileService,
  setting,
  withServerMetrics,
  type LoadRun,
  type ServerMetricsAround,
} from '../helpers/index.ts';

const requests = setting('PROFILE_REQUESTS', 10, 'count');
const metricsRequests = setting('PROFILE_METRICS_REQUESTS', 20, 'count');
const perMinute = setting('PROFILE_RATE_PER_MIN', 100, { min: 1, max: 600_000 });
const bottleneckPercent = setting('PROFILE_BOTTLENECK_PERCENT', 10, { min: 0, max: 100 });

/** The metrics run (every repetition of it) and the server's metrics around it, for the reconciliation. */
const metricsRun: { server?: ServerMetricsAround; run?: LoadRun } = {};

describe(`Webhook Performance Profiling: ${requests} requests`, () => {
  perfTest('breaks every request into phases without double-counting nested time', async ({ recorder }) => {
    const profile = await profileService(recorder, { requests, bottleneckPercent });
    const statuses = formatStatuses(recorder.context.config.success.statuses);
    expect(
      profile.statuses.filter((status) => !recorder.isSuccess(status)),
      `statuses that are not a success (SUCCESS_STATUSES=${statuses}) while profiling`,
    ).toEqual([]);
    expect(profile.phaseSharePercent, 'phase shares of end-to-end time (self time, so at most 100%)').toBeLessThanOrEqual(100.0001);
    expect(profile.http.requests, 'requests whose HTTP phases undici reported').toBe(requests);
    expect(profile.httpSharePercent, 'HTTP phases are part of end_to_end, so at most 100% of it').toBeLessThanOrEqual(100.0001);
  });

  perfTest(`runs ${metricsRequests} requests between two metrics snapshots`, async ({ load, recorder }) => {
    const { result: run, server } = await withServerMetrics(recorder, () =>
      load({ phase: 'metrics', requests: metricsRequests, rate: `${perMinute}/min` }),
    );
    Object.assign(metricsRun, { run, server });
    expect(run).toMeet({ successRatePercent: ['>=', 95] });
  });

  perfTest("the server's success_count grew by exactly the successes the client saw", ({ skip }) => {
    const missing = metricsMissing(metricsRun.server, 'successCount');
    skip(missing !== undefined, missing);
    expect(metricsRun.server).toReconcileWith(metricsRun.run!);
  });
});
