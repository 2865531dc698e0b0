import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchMetrics, fetchSettledMetrics, formatMetricsBlock, parseMetrics } from '../../helpers/service/metrics-client.ts';

const contractDoc = {
  webhook_metrics: {
    success_count: 1234,
    failure_count: 12,
    success_rate_percent: 99.0,
    processing_times: { p50: 234.5, p95: 456.7, p99: 789.0, average: 267.8, count: 1246 },
  },
  performance_metrics: { slow_operation_count: 5, api_latencies: { freshdesk: { p50: 123.4, p95: 234.5, p99: 345.6 } } },
  something_new: { ignored: true },
};

describe('metrics client', () => {
  it('reads the contract document and ignores unknown fields', () => {
    const metrics = parseMetrics(contractDoc);
    expect(metrics).toMatchObject({ successCount: 1234, failureCount: 12, successRatePercent: 99, slowOperationCount: 5 });
    expect(metrics.processingTimes).toEqual({ p50: 234.5, p95: 456.7, p99: 789, average: 267.8, count: 1246 });
    expect(metrics.freshdeskLatency).toEqual({ p50: 123.4, p95: 234.5, p99: 345.6 });
    expect(metrics.missing).toEqual([]);
    expect(metrics.rssBytes).toBeUndefined();
  });

  it('lists missing contract fields', () => {
    const metrics = parseMetrics({ webhook_metrics: { success_count: 3 } });
    expect(metrics.missing).toContain('webhook_metrics.failure_count');
    expect(metrics.missing).toContain('performance_metrics.api_latencies.freshdesk.p95');
  });

  it("prints the service's counters, each saying what it is: the change over the load and the lifetime figures", () => {
    const after = parseMetrics(contractDoc);
    const block = formatMetricsBlock(after);
    expect(block).toContain('Since the service started (lifetime): 1246 webhooks, success rate 99.0%');
    expect(block).toContain('P95: 456.70ms');
    expect(block).not.toContain('Over this load');
    const before = { ...after, successCount: after.successCount! - 100, failureCount: after.failureCount! - 2 };
    expect(formatMetricsBlock(after, before)).toContain(
      'Over this load (after minus before): 102 webhooks, 100 succeeded, 2 failed (98.0% succeeded)',
    );
  });

  describe('over HTTP', () => {
    let server: Server;
    let origin: string;
    beforeAll(async () => {
      let reads = 0;
      server = createServer((req, res) => {
        if (req.url === '/ok') return res.end(JSON.stringify(contractDoc));
        if (req.url === '/settling') {
          // The last count lands a moment late: 1232, 1233, 1234, 1234, ...
          reads += 1;
          const late = { ...contractDoc, webhook_metrics: { ...contractDoc.webhook_metrics, success_count: 1231 + Math.min(reads, 3) } };
          return res.end(JSON.stringify(late));
        }
        if (req.url === '/html') return res.end('<html>oops</html>');
        res.statusCode = 404;
        res.end();
      });
      await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
      origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(() => new Promise<void>((done) => server.close(() => done())));

    it('waits for the counters to settle before a reconciliation reads them', async () => {
      const settled = await fetchSettledMetrics(`${origin}/settling`, { gapMs: 10 });
      expect(settled.available && settled.metrics.successCount).toBe(1234);
      const bounded = await fetchSettledMetrics(`${origin}/missing`, { gapMs: 10 });
      expect(bounded.available).toBe(false);
    });

    it('fetches, and degrades clearly on 404, garbage and refusal', async () => {
      const ok = await fetchMetrics(`${origin}/ok`);
      expect(ok.available && ok.metrics.successCount).toBe(1234);
      expect(await fetchMetrics(`${origin}/missing`)).toEqual({
        available: false,
        reason: `${origin}/missing answered 404: the service has no metrics endpoint`,
      });
      const html = await fetchMetrics(`${origin}/html`);
      expect(!html.available && html.reason).toContain('did not answer JSON');
      const refused = await fetchMetrics('http://127.0.0.1:1/webhook/metrics', 1000);
      expect(!refused.available && refused.reason).toContain('could not be read');
    });
  });
});
