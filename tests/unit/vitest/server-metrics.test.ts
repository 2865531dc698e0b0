// The service's metrics around a load (withServerMetrics), why a check cannot
// judge them (metricsMissing), the server matchers with their negative controls,
// and profileService's ledger and notes.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ServerMetrics, ServerResources } from '../../helpers/model/index.ts';
import type { MetricsResult } from '../../helpers/service/index.ts';
import type { LoadRun } from '../../helpers/vitest/load.ts';
import '../../helpers/vitest/matchers-server.ts';
import { profileService } from '../../helpers/vitest/profile.ts';
import { SpecRecorder } from '../../helpers/vitest/recorder.ts';
import { specContext } from './spec-context.ts';
import { metricsMissing, withServerMetrics, type ServerMetricsAround } from '../../helpers/vitest/server-metrics.ts';
import { startTestServer, type TestServer } from '../engine/test-server.ts';

const servers: TestServer[] = [];
let reportDir: string | undefined;
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
  if (reportDir !== undefined) rmSync(reportDir, { recursive: true, force: true });
  reportDir = undefined;
});

/** A metrics endpoint serving whatever `doc` holds when asked. */
async function metricsServer(doc: { current: unknown; status?: number }): Promise<string> {
  const server = await startTestServer((_req, res) => {
    res.writeHead(doc.status ?? 200, { 'content-type': 'application/json' }).end(JSON.stringify(doc.current));
  });
  servers.push(server);
  return server.url.replace('/webhook/freshdesk', '/webhook/metrics');
}

function recorderFor(webhookUrl: string, metricsUrl: string): SpecRecorder {
  reportDir = mkdtempSync(join(tmpdir(), 'server-metrics-'));
  return new SpecRecorder('custom', specContext({ url: webhookUrl, reportDir, healthUrl: null, metricsUrl }), 'server metrics');
}

const doc = (successCount: number, rssMb: number, pool?: object) => ({
  webhook_metrics: { success_count: successCount, failure_count: 0 },
  process: { rss_bytes: rssMb * 2 ** 20 },
  ...(pool ? { freshdesk_pool: pool } : {}),
});

const snapshot = (metrics: object): MetricsResult => ({ available: true, metrics: { missing: [], ...metrics } });

const METRICS_URL = 'http://127.0.0.1:1/webhook/metrics';

/** Snapshots around a load; the memory is the metrics document's, as withServerMetrics reads it when the document has it. */
function around(before: Partial<ServerMetrics>, after: Partial<ServerMetrics>, resources?: ServerResources): ServerMetricsAround {
  const documentResources = (): ServerResources =>
    before.rssBytes === undefined
      ? { missing: [`metrics document ${METRICS_URL}: the document lacks process.rss_bytes`] }
      : after.rssBytes === undefined
        ? {
            source: `metrics document ${METRICS_URL}`,
            before: { rssBytes: before.rssBytes },
            missing: [`metrics document ${METRICS_URL}: the document lacks process.rss_bytes (after the load)`],
          }
        : { source: `metrics document ${METRICS_URL}`, before: { rssBytes: before.rssBytes }, after: { rssBytes: after.rssBytes } };
  return {
    metricsUrl: METRICS_URL,
    before: snapshot(before),
    after: snapshot(after),
    series: [],
    resources: resources ?? documentResources(),
  };
}

describe('withServerMetrics', () => {
  it('reads settled metrics before and after the load, polls between, and keeps them in the report', async () => {
    const state = { current: doc(10, 80) as unknown };
    const metricsUrl = await metricsServer(state);
    const recorder = recorderFor('http://127.0.0.1:1/webhook/freshdesk', metricsUrl);
    const { result, server } = await withServerMetrics(
      recorder,
      async () => {
        await new Promise((resolve) => setTimeout(resolve, 150));
        state.current = doc(30, 82, { connected: 1, pending: 0, running: 0, size: 4 });
        return 'the load';
      },
      { series: true, everyMs: 20 },
    );
    expect(result).toBe('the load');
    expect(server.before).toMatchObject({ available: true, metrics: { successCount: 10 } });
    expect(server.after).toMatchObject({ available: true, metrics: { successCount: 30, pool: { pending: 0 } } });
    expect(server.series.length).toBeGreaterThan(2);
    const { report } = await recorder.finish();
    expect(report.serverMetrics).toMatchObject({ before: { successCount: 10 }, after: { successCount: 30 } });
    expect(report.extra?.metricsSeries).toEqual(server.series);
    expect(server).toReconcileWith(20);
    expect(server).toShowNoMemoryGrowth(64);
    expect(server).toLeaveFreshdeskPoolIdle();
    // The document had the memory: it is the source, read from the snapshots around the load.
    expect(report.serverResources).toEqual({
      source: `metrics document ${metricsUrl}`,
      before: { rssBytes: 80 * 2 ** 20 },
      after: { rssBytes: 82 * 2 ** 20 },
    });
  });

  it('a document without memory: the next source that has it is read before and after, and named', async () => {
    const prometheus = { text: 'process_resident_memory_bytes 10485760\nprocess_cpu_seconds_total 1.5\n' };
    const server = await startTestServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(prometheus.text);
    });
    servers.push(server);
    const promUrl = server.url.replace('/webhook/freshdesk', '/metrics');
    const metricsUrl = await metricsServer({ current: {}, status: 404 });
    const recorder = recorderFor('http://127.0.0.1:1/webhook/freshdesk', metricsUrl);
    recorder.context.stack.prometheusUrl = promUrl;
    const { server: around } = await withServerMetrics(recorder, async () => {
      prometheus.text = 'process_resident_memory_bytes 115343360\nprocess_cpu_seconds_total 4\n';
    });
    expect(around.resources).toEqual({
      source: `prometheus ${promUrl}`,
      before: { rssBytes: 10 * 2 ** 20, cpuSeconds: 1.5 },
      after: { rssBytes: 110 * 2 ** 20, cpuSeconds: 4 },
    });
    expect(metricsMissing(around, 'rssBytes')).toBeUndefined();
    expect(metricsMissing(around, 'successCount')).toContain('answered 404');
    expect(() => expect(around).toShowNoMemoryGrowth(64)).toThrow(
      `expected the server's memory (RSS, from prometheus ${promUrl}) to grow by less than 64 MB over the load: Server RSS: 10.0 MB -> 110.0 MB (+100.0 MB)`,
    );
    expect(around).toShowNoMemoryGrowth(101);
    const { report } = await recorder.finish();
    expect(report.serverResources?.source).toBe(`prometheus ${promUrl}`);
  });

  it('a service without metrics: the report says why, and every check has a reason to skip', async () => {
    const metricsUrl = await metricsServer({ current: {}, status: 404 });
    const recorder = recorderFor('http://127.0.0.1:1/webhook/freshdesk', metricsUrl);
    const { server } = await withServerMetrics(recorder, async () => undefined);
    const { report } = await recorder.finish();
    expect(report.serverMetrics?.unavailableReason).toContain('answered 404');
    expect(report.extra?.metricsSeries).toBeUndefined();
    for (const field of ['successCount', 'pool'] as const) {
      expect(metricsMissing(server, field)).toContain(`from ${metricsUrl}: ${metricsUrl} answered 404`);
    }
    // The memory has other sources; with none of them there, every one says why.
    expect(metricsMissing(server, 'rssBytes')).toBe(
      "needs the server's memory, and no source had it: " +
        `metrics document ${metricsUrl}: ${metricsUrl} answered 404: the service has no metrics endpoint; ` +
        'prometheus: WEBHOOK_PROMETHEUS_URL is not set; ' +
        'container: the service runs in no container of this run (provider external); ' +
        'process: the service is no process this run started (provider external)',
    );
    expect(report.serverResources?.source).toBeUndefined();
    expect(report.serverResources?.missing).toHaveLength(4);
  });
});

describe('metricsMissing', () => {
  it('names the field, where the document keeps it and the metrics URL', () => {
    const server = around({ successCount: 1 }, { successCount: 2 });
    expect(metricsMissing(server, 'successCount')).toBeUndefined();
    expect(metricsMissing(server, 'rssBytes')).toBe(
      "needs the server's memory, and no source had it: metrics document http://127.0.0.1:1/webhook/metrics: the document lacks process.rss_bytes",
    );
    expect(metricsMissing(server, 'pool')).toBe(
      'needs freshdesk_pool from http://127.0.0.1:1/webhook/metrics: the document lacks freshdesk_pool (after the load)',
    );
  });

  it('the pool is read after the load only; the counters and RSS on both sides', () => {
    const server = around({}, { successCount: 2, rssBytes: 1, pool: { pending: 0, running: 0 } });
    expect(metricsMissing(server, 'pool')).toBeUndefined();
    expect(metricsMissing(server, 'successCount')).toContain('(before the load)');
    expect(metricsMissing(server, 'rssBytes')).toContain('no source had it');
    // A source that answered before the load and not after it cannot judge either, and says so.
    expect(metricsMissing(around({ rssBytes: 1 }, {}), 'rssBytes')).toBe(
      "needs the server's memory from metrics document http://127.0.0.1:1/webhook/metrics: " +
        'metrics document http://127.0.0.1:1/webhook/metrics: the document lacks process.rss_bytes (after the load)',
    );
  });

  it('no snapshots at all: the load did not finish', () => {
    expect(metricsMissing(undefined, 'successCount')).toBe(
      'needs webhook_metrics.success_count: the load around which the metrics are read did not finish',
    );
  });
});

describe('toReconcileWith', () => {
  it('passes when success_count grew by exactly the successes the client saw', () => {
    expect(around({ successCount: 100 }, { successCount: 120 })).toReconcileWith(20);
  });

  it('a server that double-counts fails, naming success_count', () => {
    expect(() => expect(around({ successCount: 100 }, { successCount: 122 })).toReconcileWith(20)).toThrow(
      /success_count went 100 -> 122 \(\+22\); the client saw 20 successes: the server counted 2 more/,
    );
  });

  it('a server that drops requests fails, naming success_count', () => {
    expect(() => expect(around({ successCount: 100 }, { successCount: 118 })).toReconcileWith(20)).toThrow(
      /success_count went 100 -> 118 .* counted 2 fewer/,
    );
  });

  it("a repeated load: the snapshots wrap every run, so every run's successes count", () => {
    const runs = [{ successCount: 20 }, { successCount: 19 }, { successCount: 20 }];
    const run = { ...runs[1], runs } as unknown as LoadRun;
    expect(around({ successCount: 0 }, { successCount: 59 })).toReconcileWith(run);
    expect(() => expect(around({ successCount: 0 }, { successCount: 19 })).toReconcileWith(run)).toThrow(/over all 3 runs/);
  });

  it('a snapshot without success_count fails with the reason rather than pass', () => {
    expect(() => expect(around({}, { successCount: 5 })).toReconcileWith(5)).toThrow(/cannot judge: needs webhook_metrics.success_count/);
  });
});

describe('toShowNoMemoryGrowth', () => {
  const mb = 2 ** 20;

  it('passes below the bound, fails at or above it with both figures', () => {
    expect(around({ rssBytes: 80 * mb }, { rssBytes: 143 * mb })).toShowNoMemoryGrowth(64);
    expect(() => expect(around({ rssBytes: 80 * mb }, { rssBytes: 144 * mb })).toShowNoMemoryGrowth(64)).toThrow(
      /RSS, from metrics document http:\/\/127.0.0.1:1\/webhook\/metrics\) to grow by less than 64 MB over the load: Server RSS: 80.0 MB -> 144.0 MB \(\+64.0 MB\)/,
    );
  });

  it('judges the source it is handed, and names it', () => {
    const fromProcess: ServerResources = { source: 'process 4242', before: { rssBytes: 50 * mb }, after: { rssBytes: 130 * mb } };
    expect(() => expect(around({}, {}, fromProcess)).toShowNoMemoryGrowth(64)).toThrow(
      /RSS, from process 4242\) to grow by less than 64 MB/,
    );
    expect(around({}, {}, fromProcess)).toShowNoMemoryGrowth(81);
  });

  it('a snapshot without RSS fails with the reason rather than pass', () => {
    expect(() => expect(around({ rssBytes: 1 }, {})).toShowNoMemoryGrowth(64)).toThrow(
      /cannot judge: needs the server's memory from metrics document/,
    );
    expect(() => expect(around({}, {})).toShowNoMemoryGrowth(64)).toThrow(/cannot judge: needs the server's memory, and no source had it/);
  });
});

describe('toLeaveFreshdeskPoolIdle', () => {
  it('passes with nothing pending or running after the load', () => {
    expect(around({}, { pool: { connected: 3, pending: 0, running: 0, size: 10 } })).toLeaveFreshdeskPoolIdle();
  });

  it('fails when requests are still queued or running, naming them', () => {
    expect(() => expect(around({}, { pool: { connected: 10, pending: 4, running: 10, size: 10 } })).toLeaveFreshdeskPoolIdle()).toThrow(
      /found 4 requests queued for a Freshdesk connection \(pending\); 10 Freshdesk requests still running \(running\)/,
    );
  });

  it('a snapshot without freshdesk_pool fails with the reason rather than pass', () => {
    expect(() => expect(around({}, {})).toLeaveFreshdeskPoolIdle()).toThrow(/cannot judge: needs freshdesk_pool/);
  });
});

describe('profileService', () => {
  it("profiles the spec's service with its own ticket ids; every answer but a 429 goes into the ledger", async () => {
    const tickets: string[] = [];
    const webhook = await startTestServer((_req, res, body, { arrival }) => {
      tickets.push((JSON.parse(body.toString()) as { ticket_id: string }).ticket_id);
      if (arrival === 2) res.writeHead(429).end();
      else res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
    });
    servers.push(webhook);
    const recorder = recorderFor(webhook.url, 'http://127.0.0.1:1/webhook/metrics');
    const profile = await profileService(recorder, { requests: 4, bottleneckPercent: 10 });
    expect(profile.statuses).toEqual([200, 200, 429, 200]);
    // The first ids of the spec's block, reserved: the next phase starts past them.
    expect(tickets).toEqual([0, 1, 2, 3].map((i) => String(recorder.ticketId(i))));
    expect(recorder.reserveTickets(1)).toBeGreaterThan(recorder.ticketId(3));
    expect(recorder.sent()).toHaveLength(3);
    const { report } = await recorder.finish();
    expect(report.extra).toMatchObject({
      profileStatuses: [200, 200, 429, 200],
      profile: { root: 'end_to_end' },
      httpPhases: { requests: 4 },
    });
    expect(report.extra?.bottlenecks).toBeInstanceOf(Array);
    expect(report.extra?.httpBottlenecks).toBeInstanceOf(Array);
  });
});
