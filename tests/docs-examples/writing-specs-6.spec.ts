// Extracted from docs/writing-specs.md (ts block 6) by scripts/docs-examples.ts.
// Do not edit: edit the page, then run `node --import tsx scripts/docs-examples.ts`.
import { expect, metricsMissing, perfTest, withServerMetrics, type LoadRun, type ServerMetricsAround } from '../helpers/index.ts';

const around: { run?: LoadRun; server?: ServerMetricsAround } = {};

perfTest('60 requests between two metrics snapshots', async ({ load, recorder }) => {
  const { result, server } = await withServerMetrics(recorder, () => load({ requests: 60, rate: '60/min' }));
  Object.assign(around, { run: result, server });
  expect(result).toMeet({ successRatePercent: ['>=', 95] });
});

perfTest("the server's success_count grew by the client's successes", ({ skip }) => {
  const missing = metricsMissing(around.server, 'successCount');
  skip(missing !== undefined, missing);
  expect(around.server).toReconcileWith(around.run!);
});

perfTest('memory does not grow', ({ skip }) => {
  const missing = metricsMissing(around.server, 'rssBytes'); // 'pool' for toLeaveFreshdeskPoolIdle()
  skip(missing !== undefined, missing);
  expect(around.server).toShowNoMemoryGrowth(64);
});
