// Profile: where a request's time goes (the seed's profile_webhook.py), then
// requests between two metrics snapshots, reconciled against what the client
// saw: no request dropped or double-counted by the server.
import { Pool } from 'undici';
import {
  encodePayload,
  findBottlenecks,
  findHttpBottlenecks,
  flatPayload,
  formatHttpPhases,
  formatProfile,
  formatSummary,
  HttpPhaseRecorder,
  Profiler,
  runLoadTest,
  signBody,
  summarizeHttpPhases,
} from '../helpers/index.ts';
import {
  describeSpec,
  expect,
  fetchSettledMetrics,
  formatMetricsBlock,
  formatStatuses,
  missingFor,
  perfContext,
  plannedDurationMs,
  specTimeoutMs,
  test as perfTest,
  type MetricsResult,
} from '../helpers/vitest/index.ts';

const { config, stack } = perfContext();
const { requests, metricsRequests, ratePerMinute, bottleneckPercent } = config.profile;

/** What the metrics run hands the reconciliation: the server's metrics around it and the client's successes. */
const test = perfTest.extend('metricsRun', { scope: 'file' }, (): { before: MetricsResult; after: MetricsResult; clientOk: number } => {
  const none: MetricsResult = { available: false, reason: 'the metrics run did not happen' };
  return { before: none, after: none, clientOk: 0 };
});

/** Parses a JSON answer (what the phase measures); a body that is not JSON (e.g. an empty 202) is kept as text. */
function parseAnswer(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

describeSpec(`Webhook Performance Profiling: ${requests} requests`, () => {
  test(
    'breaks every request into phases without double-counting nested time',
    async ({ recorder }) => {
      const firstTicket = recorder.ticketId();
      // One request at a time, but plan as if all at once: room for every one of them.
      await recorder.awaitRoom('profile', { requests, ratePerSecond: null });
      const url = new URL(stack.webhookUrl);
      const pool = new Pool(url.origin, { connections: 1 });
      const profiler = new Profiler();
      const statuses: number[] = [];
      // undici's own events split http_request further: connection wait, connect, send, first byte, body.
      const httpPhases = new HttpPhaseRecorder(url.origin).start();
      try {
        console.log(`Profiling ${requests} webhook requests...`);
        for (let i = 0; i < requests; i += 1) {
          await profiler.measure('end_to_end', async () => {
            // Each request gets its own ticket id: a deduplicating service would answer a reused one without working.
            const body = profiler.measureSync('payload_generation', () => encodePayload(flatPayload(i, firstTicket + i)));
            const signature = profiler.measureSync('signature_generation', () => signBody(config.secret, body));
            const sentAt = Date.now();
            let answered = 0;
            const { status, text } = await profiler
              .measure('http_request', async () => {
                const response = await pool.request({
                  method: 'POST',
                  path: url.pathname + url.search,
                  headers: { 'content-type': 'application/json', [recorder.signatureHeader]: signature },
                  body,
                  headersTimeout: config.requestTimeoutMs,
                  bodyTimeout: config.requestTimeoutMs,
                });
                answered = response.statusCode;
                return { status: response.statusCode, text: await response.body.text() };
              })
              .finally(() => {
                // Into the rate-limit ledger unless refused; a request without an answer counts, to be safe.
                if (answered !== 429) recorder.recordSent([[sentAt, Date.now()]]);
              });
            profiler.measureSync('response_parsing', () => parseAnswer(text));
            statuses.push(status);
            console.log(`Request ${i + 1}/${requests}... Status: ${status}`);
          });
        }
      } finally {
        httpPhases.stop();
        await pool.close();
      }

      const report = profiler.report('end_to_end');
      const http = summarizeHttpPhases(httpPhases.samples, { name: report.root, totalMs: report.rootTotalMs }, httpPhases.errors);
      console.log(formatProfile(report, bottleneckPercent));
      console.log(formatHttpPhases(http, bottleneckPercent));
      recorder.note('profile', report);
      recorder.note('httpPhases', http);
      recorder.note('profileStatuses', statuses);
      recorder.note(
        'bottlenecks',
        findBottlenecks(report, bottleneckPercent).map((row) => row.operation),
      );
      recorder.note(
        'httpBottlenecks',
        findHttpBottlenecks(http, bottleneckPercent).map((b) => b.message),
      );

      expect(
        statuses.filter((status) => !recorder.isSuccess(status)),
        `statuses that are not a success (SUCCESS_STATUSES=${formatStatuses(config.success.statuses)}) while profiling`,
      ).toEqual([]);
      const shares = report.rows.filter((row) => row.operation !== report.root).reduce((sum, row) => sum + row.percentOfRoot, 0);
      expect(shares, 'phase shares of end-to-end time (self time, so at most 100%)').toBeLessThanOrEqual(100.0001);
      expect(http.requests, 'requests whose HTTP phases undici reported').toBe(requests);
      const httpShare = http.rows.reduce((sum, row) => sum + row.percentOfRoot, 0);
      expect(httpShare, 'HTTP phases are part of end_to_end, so at most 100% of it').toBeLessThanOrEqual(100.0001);
    },
    requests * config.requestTimeoutMs + specTimeoutMs(0, config),
  );

  test(
    `runs ${metricsRequests} requests between two metrics snapshots`,
    async ({ recorder, metricsRun }) => {
      // A new run (PERF_REPEAT): the reconciliation must never judge an earlier run's snapshots.
      const none: MetricsResult = { available: false, reason: 'the metrics run did not finish' };
      Object.assign(metricsRun, { before: none, after: none, clientOk: 0 });
      await recorder.awaitRoom('metrics', { requests: metricsRequests, ratePerSecond: ratePerMinute / 60 });
      metricsRun.before = await fetchSettledMetrics(stack.metricsUrl);
      const results = await runLoadTest(recorder.pacedLoad(metricsRequests, ratePerMinute, requests));
      const summary = recorder.addRun('metrics', results); // at once: the ledger must not wait for the metrics
      metricsRun.after = await fetchSettledMetrics(stack.metricsUrl);
      recorder.serverMetrics(metricsRun.before, metricsRun.after);
      metricsRun.clientOk = summary.successCount;
      console.log(formatSummary(summary, `Metrics run: ${metricsRequests} requests at ${ratePerMinute} req/min`));
      if (metricsRun.after.available) console.log(formatMetricsBlock(metricsRun.after.metrics));
      expect(recorder.judge([{ metric: 'successRatePercent', phase: 'metrics', op: '>=', value: 95 }])).toPassThresholds();
    },
    specTimeoutMs(plannedDurationMs(metricsRequests, ratePerMinute), config),
  );

  test("the server's success_count grew by exactly the successes the client saw", ({ recorder, metricsRun, skip }) => {
    const { before, after, clientOk } = metricsRun;
    const reason = missingFor(before, ['successCount']) ?? missingFor(after, ['successCount']);
    if (reason) return skip(`needs webhook_metrics.success_count: ${reason}`);
    if (!before.available || !after.available) return;
    const serverGrowth = after.metrics.successCount! - before.metrics.successCount!;
    recorder.note('reconciliation', { serverGrowth, clientOk });
    expect(
      serverGrowth,
      `success_count went ${before.metrics.successCount} -> ${after.metrics.successCount}; the client saw ${clientOk} successes (SUCCESS_STATUSES=${formatStatuses(config.success.statuses)})`,
    ).toBe(clientOk);
  });
});
