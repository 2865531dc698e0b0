// Profile: where a request's time goes (the seed's profile_webhook.py), then
// requests between two metrics snapshots, reconciled against what the client
// saw: no request dropped or double-counted by the server.
import { Pool } from 'undici';
import { formatStatuses } from '../helpers/config/index.ts';
import { describe, expect, it } from 'vitest';
import {
  createSigningKey,
  encodePayload,
  flatPayload,
  formatSummary,
  LOAD_TEST_DEFAULTS,
  runLoadTest,
  signBody,
  statusIn,
} from '../helpers/index.ts';
import { fetchSettledMetrics, formatMetricsBlock, missingFor, type MetricsResult } from '../helpers/service/index.ts';
import { plannedDurationMs, specTimeoutMs, ticketIdStart } from '../helpers/vitest/index.ts';
import { findHttpBottlenecks, formatHttpPhases, HttpPhaseRecorder, summarizeHttpPhases } from '#engine';
import { findBottlenecks, formatProfile, Profiler } from '#engine';
import { perfContext, SpecRecorder } from '../helpers/vitest/index.ts';

const context = perfContext();
const { config, stack } = context;
const { requests, metricsRequests, ratePerMinute, bottleneckPercent } = config.profile;
const title = `Webhook Performance Profiling: ${requests} requests`;
const recorder = new SpecRecorder('profile', title, context);
const firstTicket = ticketIdStart(context.ticketIdBase, 'profile');
const isSuccess = statusIn(config.success.statuses);
const signatureHeader = LOAD_TEST_DEFAULTS.signatureHeader.toLowerCase();

/** Parses a JSON answer (what the phase measures); a body that is not JSON (e.g. an empty 202) is kept as text. */
function parseAnswer(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

describe(title, () => {
  it(
    'breaks every request into phases without double-counting nested time',
    async () => {
      // One request at a time, but plan as if all at once: room for every one of them.
      await recorder.awaitRoom('profile', { requests, ratePerSecond: null });
      const url = new URL(stack.webhookUrl);
      const pool = new Pool(url.origin, { connections: 1 });
      const key = createSigningKey(config.secret);
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
            const signature = profiler.measureSync('signature_generation', () => signBody(key, body));
            const sentAt = Date.now();
            let answered = 0;
            const { status, text } = await profiler
              .measure('http_request', async () => {
                const response = await pool.request({
                  method: 'POST',
                  path: url.pathname + url.search,
                  headers: { 'content-type': 'application/json', [signatureHeader]: signature },
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
      await recorder.save();

      expect(
        statuses.filter((status) => !isSuccess(status)),
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

  let before: MetricsResult = { available: false, reason: 'the metrics run did not happen' };
  let after: MetricsResult = before;
  let clientOk = 0;

  it(
    `runs ${metricsRequests} requests between two metrics snapshots`,
    async () => {
      await recorder.awaitRoom('metrics', { requests: metricsRequests, ratePerSecond: ratePerMinute / 60 });
      before = await fetchSettledMetrics(stack.metricsUrl);
      const results = await runLoadTest(recorder.pacedLoad(metricsRequests, ratePerMinute, firstTicket + requests));
      const summary = recorder.addRun('metrics', results); // at once: the ledger must not wait for the metrics
      after = await fetchSettledMetrics(stack.metricsUrl);
      recorder.serverMetrics(before, after);
      clientOk = summary.successCount;
      console.log(formatSummary(summary, `Metrics run: ${metricsRequests} requests at ${ratePerMinute} req/min`));
      if (after.available) console.log(formatMetricsBlock(after.metrics));
      await recorder.save();
      expect(summary).toMeetSuccessRate(95);
    },
    specTimeoutMs(plannedDurationMs(metricsRequests, ratePerMinute), config),
  );

  it("the server's success_count grew by exactly the successes the client saw", (ctx) => {
    const reason = missingFor(before, ['successCount']) ?? missingFor(after, ['successCount']);
    if (reason) return ctx.skip(`needs webhook_metrics.success_count: ${reason}`);
    if (!before.available || !after.available) return;
    const serverGrowth = after.metrics.successCount! - before.metrics.successCount!;
    recorder.note('reconciliation', { serverGrowth, clientOk });
    expect(
      serverGrowth,
      `success_count went ${before.metrics.successCount} -> ${after.metrics.successCount}; the client saw ${clientOk} successes (SUCCESS_STATUSES=${formatStatuses(config.success.statuses)})`,
    ).toBe(clientOk);
  });
});
