// Counters and latency windows behind GET /webhook/metrics. Percentiles come from a ring buffer
// of the most recent samples, so memory stays flat however long the service runs; counts and
// averages are over the whole lifetime.
import { quantileSorted } from 'simple-statistics';
import type { CircuitStats } from './circuit-breaker.ts';

export class SampleWindow {
  private readonly samples: Float64Array;
  private next = 0;
  private filled = 0;
  count = 0;
  sum = 0;

  constructor(readonly size: number) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`window size must be a positive integer (got ${size})`);
    this.samples = new Float64Array(size);
  }

  add(value: number): void {
    this.samples[this.next] = value;
    this.next = (this.next + 1) % this.size;
    this.filled = Math.min(this.filled + 1, this.size);
    this.count += 1;
    this.sum += value;
  }

  /** The retained samples, sorted ascending (a copy). */
  sorted(): Float64Array {
    return this.samples.slice(0, this.filled).sort();
  }
}

export interface Percentiles {
  p50: number;
  p95: number;
  p99: number;
}

const round2 = (x: number): number => Math.round(x * 100) / 100;

/** p50/p95/p99 of ascending samples, 0 when there are none. */
export function percentilesOf(sorted: ArrayLike<number>): Percentiles {
  if (sorted.length === 0) return { p50: 0, p95: 0, p99: 0 };
  const values = Array.from(sorted);
  return {
    p50: round2(quantileSorted(values, 0.5)),
    p95: round2(quantileSorted(values, 0.95)),
    p99: round2(quantileSorted(values, 0.99)),
  };
}

export interface ProcessStats {
  rss_bytes: number;
  heap_used_bytes: number;
  event_loop_delay_p99_ms: number;
  uptime_seconds: number;
}

export interface PoolStatsDoc {
  connected: number;
  pending: number;
  running: number;
  size: number;
}

export interface MetricsDocument {
  webhook_metrics: {
    success_count: number;
    failure_count: number;
    success_rate_percent: number;
    /** Connections refused before routing (malformed HTTP, too slow to send): part of failure_count. */
    client_error_count: number;
    /** 200 `duplicate`: the same ticket and event within DEDUPE_WINDOW_MS; neither a success nor a failure. */
    duplicate_count: number;
    /** 200 `ignored`: unsupported events and non-refund ticket_updated; neither a success nor a failure. */
    ignored_count: number;
    processing_times: Percentiles & { average: number; count: number };
  };
  performance_metrics: {
    slow_operation_count: number;
    api_latencies: { freshdesk: Percentiles };
  };
  process: ProcessStats;
  freshdesk_pool: PoolStatsDoc;
  freshdesk_circuit?: CircuitStats;
}

export class WebhookMetrics {
  successCount = 0;
  failureCount = 0;
  slowOperationCount = 0;
  clientErrorCount = 0;
  duplicateCount = 0;
  ignoredCount = 0;
  readonly processing: SampleWindow;
  readonly freshdesk: SampleWindow;

  constructor(
    windowSize: number,
    private readonly slowOperationMs: number,
  ) {
    this.processing = new SampleWindow(windowSize);
    this.freshdesk = new SampleWindow(windowSize);
  }

  /**
   * One POST /webhook/freshdesk counted as a success (a 200 `processed`: fully processed) or a
   * failure (any other status, or a client that left before its answer), with its time.
   */
  recordWebhook(success: boolean, elapsedMs: number): void {
    if (success) this.successCount += 1;
    else this.failureCount += 1;
    this.processing.add(elapsedMs);
    if (elapsedMs > this.slowOperationMs) this.slowOperationCount += 1;
  }

  /**
   * One connection the HTTP server refused before any route saw a request (unparsable HTTP,
   * headers or body too slow): a failure with no processing time.
   */
  recordClientError(): void {
    this.failureCount += 1;
    this.clientErrorCount += 1;
  }

  /**
   * One 200 answered without processing: a `duplicate` or an `ignored` event. Neither a success
   * nor a failure, and not in processing_times (nothing was processed).
   */
  recordUnprocessed(kind: 'duplicate' | 'ignored'): void {
    if (kind === 'duplicate') this.duplicateCount += 1;
    else this.ignoredCount += 1;
  }

  /** One call to the Freshdesk API (cache hits are not calls). */
  recordFreshdeskCall(elapsedMs: number): void {
    this.freshdesk.add(elapsedMs);
  }

  document(process: ProcessStats, pool: PoolStatsDoc, circuit?: CircuitStats): MetricsDocument {
    const total = this.successCount + this.failureCount;
    const processing = this.processing;
    return {
      webhook_metrics: {
        success_count: this.successCount,
        failure_count: this.failureCount,
        success_rate_percent: total === 0 ? 0 : round2((this.successCount / total) * 100),
        client_error_count: this.clientErrorCount,
        duplicate_count: this.duplicateCount,
        ignored_count: this.ignoredCount,
        processing_times: {
          ...percentilesOf(processing.sorted()),
          average: processing.count === 0 ? 0 : round2(processing.sum / processing.count),
          count: processing.count,
        },
      },
      performance_metrics: {
        slow_operation_count: this.slowOperationCount,
        api_latencies: { freshdesk: percentilesOf(this.freshdesk.sorted()) },
      },
      process,
      freshdesk_pool: pool,
      ...(circuit ? { freshdesk_circuit: circuit } : {}),
    };
  }
}
