// Reads GET /webhook/metrics. Unknown fields are ignored; contract fields that
// are missing are listed, so a check that needs one can say why it was skipped.
import { request } from 'undici';
import type { Percentiles, ServerMetrics } from '../model/index.ts';

// The figures' shape is the model's: reports record them.
export type { Percentiles, ServerMetrics } from '../model/index.ts';

export type MetricsResult = { available: true; metrics: ServerMetrics } | { available: false; reason: string };

type Json = Record<string, unknown>;

function at(doc: unknown, path: string): unknown {
  let node: unknown = doc;
  for (const key of path.split('.')) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Json)[key];
  }
  return node;
}

/** Pure: the fields the suite uses, from a metrics document of any shape. */
export function parseMetrics(doc: unknown): ServerMetrics {
  const missing: string[] = [];
  const num = (path: string, required: boolean): number | undefined => {
    const value = at(doc, path);
    if (typeof value === 'number' && Number.isFinite(value)) return value;
    if (required) missing.push(path);
    return undefined;
  };
  const percentiles = (path: string): Percentiles | undefined => {
    const p50 = num(`${path}.p50`, true);
    const p95 = num(`${path}.p95`, true);
    const p99 = num(`${path}.p99`, true);
    return p50 === undefined || p95 === undefined || p99 === undefined ? undefined : { p50, p95, p99 };
  };

  const processing = percentiles('webhook_metrics.processing_times');
  const metrics: ServerMetrics = {
    successCount: num('webhook_metrics.success_count', true),
    failureCount: num('webhook_metrics.failure_count', true),
    successRatePercent: num('webhook_metrics.success_rate_percent', true),
    processingTimes: processing && {
      ...processing,
      average: num('webhook_metrics.processing_times.average', true),
      count: num('webhook_metrics.processing_times.count', true),
    },
    slowOperationCount: num('performance_metrics.slow_operation_count', true),
    freshdeskLatency: percentiles('performance_metrics.api_latencies.freshdesk'),
    rssBytes: num('process.rss_bytes', false),
    heapUsedBytes: num('process.heap_used_bytes', false),
    eventLoopDelayP99Ms: num('process.event_loop_delay_p99_ms', false),
    missing,
  };
  if (at(doc, 'freshdesk_pool') !== undefined) {
    metrics.pool = {
      connected: num('freshdesk_pool.connected', false),
      pending: num('freshdesk_pool.pending', false),
      running: num('freshdesk_pool.running', false),
      size: num('freshdesk_pool.size', false),
    };
  }
  return metrics;
}

/** Fetches and parses the metrics document; never throws. */
export async function fetchMetrics(metricsUrl: string, timeoutMs = 5000): Promise<MetricsResult> {
  try {
    const response = await request(metricsUrl, { headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
    const text = await response.body.text();
    if (response.statusCode === 404) return { available: false, reason: `${metricsUrl} answered 404: the service has no metrics endpoint` };
    if (response.statusCode !== 200) return { available: false, reason: `${metricsUrl} answered ${response.statusCode}` };
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch {
      return { available: false, reason: `${metricsUrl} did not answer JSON (${JSON.stringify(text.slice(0, 60))})` };
    }
    return { available: true, metrics: parseMetrics(doc) };
  } catch (error) {
    return { available: false, reason: `${metricsUrl} could not be read: ${(error as Error).message}` };
  }
}

/**
 * Reads until two reads `gapMs` apart agree by `same` (at most `maxReads`), returning the
 * last. A server may count a request a moment after its client saw the answer (e.g. when the
 * response's 'finish' event runs), so a reconciliation never trusts a single read.
 */
export async function readUntilSettled<T>(
  read: () => Promise<T>,
  same: (a: T, b: T) => boolean,
  { gapMs = 250, maxReads = 12 } = {},
): Promise<T> {
  let previous = await read();
  for (let reads = 1; reads < maxReads; reads++) {
    await new Promise((resolve) => setTimeout(resolve, gapMs));
    const current = await read();
    if (same(previous, current)) return current;
    previous = current;
  }
  return previous;
}

/** Metrics once success_count and failure_count have stopped moving (bounded); see readUntilSettled. */
export function fetchSettledMetrics(metricsUrl: string, { gapMs = 250, maxReads = 12, timeoutMs = 5000 } = {}): Promise<MetricsResult> {
  return readUntilSettled(
    () => fetchMetrics(metricsUrl, timeoutMs),
    // An unavailable read settles at once: there is nothing to wait for.
    (a, b) =>
      !a.available ||
      !b.available ||
      (a.metrics.successCount === b.metrics.successCount && a.metrics.failureCount === b.metrics.failureCount),
    { gapMs, maxReads },
  );
}

/**
 * The service's own counters after a load, each saying what it is: the change over this load
 * (`before` to `after`: the figure to compare with what the suite saw) and the service's lifetime
 * figures since it started (earlier specs' requests, and their 429s, included).
 */
export function formatMetricsBlock(metrics: ServerMetrics, before?: ServerMetrics): string {
  const ms = (value: number | undefined) => (value === undefined ? 'n/a' : `${value.toFixed(2)}ms`);
  const total = (metrics.successCount ?? 0) + (metrics.failureCount ?? 0);
  const lines = ["Server metrics after the load (the service's own counters):", '='.repeat(70)];
  const succeeded = delta(before?.successCount, metrics.successCount);
  const failed = delta(before?.failureCount, metrics.failureCount);
  if (succeeded !== undefined && failed !== undefined) {
    const rate = succeeded + failed > 0 ? ` (${((succeeded / (succeeded + failed)) * 100).toFixed(1)}% succeeded)` : '';
    lines.push(`Over this load (after minus before): ${succeeded + failed} webhooks, ${succeeded} succeeded, ${failed} failed${rate}`);
  }
  lines.push(
    `Since the service started (lifetime): ${total} webhooks, success rate ${metrics.successRatePercent === undefined ? 'n/a' : `${metrics.successRatePercent.toFixed(1)}%`}`,
    '',
    'Processing times (as the service reports them):',
    `  P50: ${ms(metrics.processingTimes?.p50)}`,
    `  P95: ${ms(metrics.processingTimes?.p95)}`,
    `  P99: ${ms(metrics.processingTimes?.p99)}`,
    `  Avg: ${ms(metrics.processingTimes?.average)}`,
    '='.repeat(70),
  );
  if (metrics.missing.length > 0) lines.push(`(missing from the metrics document: ${metrics.missing.join(', ')})`);
  return lines.join('\n');
}

function delta(before: number | undefined, after: number | undefined): number | undefined {
  return before === undefined || after === undefined || after < before ? undefined : after - before;
}

export interface MetricsPoll {
  /** Stops polling and returns every snapshot taken, with its time since the start. */
  stop(): Promise<{ atMs: number; metrics: ServerMetrics }[]>;
}

/** Reads the metrics every `intervalMs` in the background (unavailable reads are skipped). */
export function pollMetrics(metricsUrl: string, intervalMs: number): MetricsPoll {
  const started = performance.now();
  const snapshots: { atMs: number; metrics: ServerMetrics }[] = [];
  let inFlight: Promise<void> = Promise.resolve();
  const timer = setInterval(() => {
    inFlight = fetchMetrics(metricsUrl, Math.min(intervalMs, 5000)).then((result) => {
      if (result.available) snapshots.push({ atMs: Math.round(performance.now() - started), metrics: result.metrics });
    });
  }, intervalMs);
  return {
    async stop() {
      clearInterval(timer);
      await inFlight;
      return snapshots;
    },
  };
}
