// Domain matchers for the specs: `expect(summary).toMeetSuccessRate(95)` and
// friends. Their failure messages print the numbers that failed and where the
// run's report is. Loaded as a setupFile of the `performance` project.
import { expect } from 'vitest';

/** The part of a load-test summary the matchers read. */
export interface SummaryLike {
  sentRequests: number;
  successCount: number;
  failureCount: number;
  successRatePercent: number;
  responseTimes: { p50Ms: number; p95Ms: number; p99Ms: number; maxMs: number };
  statusCodes: Record<string, number>;
  errors?: { errorClass?: string; message?: string }[];
}

const reportPaths = new WeakMap<object, string>();

/** Remembers which report file holds the run behind `summary`, for failure messages. */
export function rememberReportPath(summary: object, path: string): void {
  reportPaths.set(summary, path);
}

function where(summary: object): string {
  const path = reportPaths.get(summary);
  return path ? `\n  report: ${path}` : '';
}

function codes(summary: SummaryLike): string {
  return Object.entries(summary.statusCodes)
    .map(([code, count]) => `${code === '0' ? 'no response' : code}: ${count}`)
    .join(', ');
}

function isSummary(value: unknown): value is SummaryLike {
  return typeof value === 'object' && value !== null && 'successRatePercent' in value && 'responseTimes' in value;
}

function notASummary(received: unknown) {
  return { pass: false, message: () => `expected a load-test summary (results.getSummary()), got ${typeof received}` };
}

function percentileBelow(key: 'p50Ms' | 'p95Ms' | 'p99Ms', label: string) {
  return function (this: unknown, received: unknown, limitMs: number) {
    if (!isSummary(received)) return notASummary(received);
    const value = received.responseTimes[key];
    return {
      pass: value < limitMs,
      message: () =>
        `expected ${label} latency ${value.toFixed(1)} ms to be below ${limitMs} ms ` +
        `(P50 ${received.responseTimes.p50Ms.toFixed(1)}, P95 ${received.responseTimes.p95Ms.toFixed(1)}, ` +
        `P99 ${received.responseTimes.p99Ms.toFixed(1)}, max ${received.responseTimes.maxMs.toFixed(1)} ms; ` +
        `latency counts from each request's scheduled start)${where(received)}`,
    };
  };
}

expect.extend({
  toMeetSuccessRate(received: unknown, minPercent: number) {
    if (!isSummary(received)) return notASummary(received);
    return {
      pass: received.successRatePercent >= minPercent,
      message: () =>
        `expected success rate >= ${minPercent}%, got ${received.successRatePercent.toFixed(2)}% ` +
        `(${received.successCount} of ${received.sentRequests}; status codes ${codes(received)})${where(received)}`,
    };
  },
  toHaveP50Below: percentileBelow('p50Ms', 'P50'),
  toHaveP95Below: percentileBelow('p95Ms', 'P95'),
  toHaveP99Below: percentileBelow('p99Ms', 'P99'),
  toHaveNoFailures(received: unknown) {
    if (!isSummary(received)) return notASummary(received);
    const first = (received.errors ?? []).slice(0, 3).map((e) => `${e.errorClass ?? '?'}: ${e.message ?? ''}`);
    return {
      pass: received.failureCount === 0,
      message: () =>
        `expected no failed requests, got ${received.failureCount} of ${received.sentRequests} ` +
        `(status codes ${codes(received)}${first.length > 0 ? `; first errors: ${first.join(' | ')}` : ''})${where(received)}`,
    };
  },
});

interface PerfMatchers<R = unknown> {
  /** Success rate (percent of requests answered as success) is at least `minPercent`. */
  toMeetSuccessRate(minPercent: number): R;
  /** Corrected (from scheduled start) P50 latency is below `limitMs`. */
  toHaveP50Below(limitMs: number): R;
  toHaveP95Below(limitMs: number): R;
  toHaveP99Below(limitMs: number): R;
  toHaveNoFailures(): R;
}

declare module 'vitest' {
  // Augmenting Vitest's interface: its type parameter and default must match Vitest's declaration.
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type, @typescript-eslint/no-explicit-any
  interface Matchers<T = any> extends PerfMatchers<T> {}
}
