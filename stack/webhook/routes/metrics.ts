// GET /webhook/metrics: the contract's document plus process and pool figures for leak checks.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { FastifyInstance } from 'fastify';
import type { FreshdeskClient } from '../freshdesk-client.ts';
import type { MetricsDocument, ProcessStats, WebhookMetrics } from '../metrics.ts';

export interface MetricsRouteOptions {
  document: () => MetricsDocument;
}

const percentiles = {
  type: 'object',
  properties: { p50: { type: 'number' }, p95: { type: 'number' }, p99: { type: 'number' } },
} as const;

const metricsSchema = {
  type: 'object',
  properties: {
    webhook_metrics: {
      type: 'object',
      properties: {
        success_count: { type: 'integer' },
        failure_count: { type: 'integer' },
        success_rate_percent: { type: 'number' },
        client_error_count: { type: 'integer' },
        duplicate_count: { type: 'integer' },
        ignored_count: { type: 'integer' },
        processing_times: {
          type: 'object',
          properties: { ...percentiles.properties, average: { type: 'number' }, count: { type: 'integer' } },
        },
      },
    },
    performance_metrics: {
      type: 'object',
      properties: {
        slow_operation_count: { type: 'integer' },
        api_latencies: { type: 'object', properties: { freshdesk: percentiles } },
      },
    },
    process: {
      type: 'object',
      properties: {
        rss_bytes: { type: 'integer' },
        heap_used_bytes: { type: 'integer' },
        event_loop_delay_p99_ms: { type: 'number' },
        uptime_seconds: { type: 'number' },
      },
    },
    freshdesk_pool: {
      type: 'object',
      properties: {
        connected: { type: 'integer' },
        pending: { type: 'integer' },
        running: { type: 'integer' },
        size: { type: 'integer' },
      },
    },
    freshdesk_circuit: {
      type: 'object',
      properties: {
        state: { type: 'string' },
        opened_count: { type: 'integer' },
        rejected_count: { type: 'integer' },
        consecutive_failures: { type: 'integer' },
      },
    },
  },
} as const;

export async function metricsRoutes(app: FastifyInstance, { document }: MetricsRouteOptions) {
  app.get('/webhook/metrics', { schema: { response: { 200: metricsSchema } } }, async () => document());
}

/** The metrics document of a running process: counters plus process, pool and circuit figures. */
export function metricsDocumentSource(
  metrics: WebhookMetrics,
  freshdesk: FreshdeskClient,
): { document: () => MetricsDocument; stop: () => void } {
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  function processStats(): ProcessStats {
    const memory = process.memoryUsage();
    return {
      rss_bytes: memory.rss,
      heap_used_bytes: memory.heapUsed,
      event_loop_delay_p99_ms: loopDelay.count === 0 ? 0 : Math.round(loopDelay.percentile(99) / 1e4) / 100,
      uptime_seconds: Math.round(process.uptime() * 10) / 10,
    };
  }
  return {
    document: () => metrics.document(processStats(), freshdesk.poolStats(), freshdesk.circuitStats()),
    stop: () => loopDelay.disable(),
  };
}
