import { describe, expect, it, vi } from 'vitest';
import { formatSummary, printProgress } from '../../helpers/report/console.ts';
import type { ProgressSnapshot } from '../../helpers/engine/options.ts';
import { publishProgress } from '../../helpers/engine/progress.ts';
import { ErrorCode } from '../../helpers/engine/errors.ts';
import { SampleStore } from '../../helpers/engine/samples.ts';
import { buildSummary } from '../../helpers/engine/summary.ts';

function summaryOf(rows: [number, number, number, number, ErrorCode][], rps: number | null, lagNote = 0) {
  const store = new SampleStore(rows.length, 10000);
  rows.forEach(([intended, actual, end, status, code], i) => {
    store.recordSend(i, intended, actual + lagNote);
    store.recordEnd(i, end + lagNote, status, code);
  });
  return buildSummary({
    store,
    info: {
      plannedRequests: rows.length,
      requestsPerSecond: rps,
      concurrency: 8,
      durationMs: 60_230,
      endReason: 'completed',
      slotWaits: 0,
    },
    errors: [{ index: 2, ticketId: 10002, errorClass: 'http_500', status: 500, message: 'HTTP 500: boom', atMs: 1 }],
    runWarnings: [],
  });
}

describe('formatSummary', () => {
  const rows: [number, number, number, number, ErrorCode][] = [
    [0, 0.5, 123.45, 200, ErrorCode.none],
    [600, 600.4, 900, 200, ErrorCode.none],
    [1200, 1200.3, 1600, 500, ErrorCode.http],
  ];

  it('renders the summary layout with schedule, service times and errors', () => {
    const text = formatSummary(summaryOf(rows, 100 / 60));
    const lines = text.split('\n');
    expect(lines[0]).toBe('='.repeat(60));
    expect(lines[1]).toBe('Load Test: 3 requests at 100 req/min');
    expect(text).toContain('Duration: 60.23 seconds');
    expect(text).toContain('Actual rate: 0.05 req/sec');
    expect(text).toContain('Success Rate: 66.7%\n  Success: 2\n  Failure: 1');
    expect(text).toContain('Response Times (ms):\n  Min:    123.45\n');
    // latencies 123.45, 300, 400: P95 at index 1.9 -> 390, P99 at 1.98 -> 398
    expect(text).toContain('  Mean:   274.48\n  Median: 300.00\n  P95:    390.00\n  P99:    398.00\n  Max:    400.00');
    expect(text).toContain('Status Codes:\n  200: 2\n  500: 1');
    expect(text).toMatch(/Schedule: target 1\.67 req\/s, achieved send 1\.67 req\/s; lag P50 0\.40 ms/);
    expect(text).toContain('#2 ticket 10002 http_500: HTTP 500: boom');
    expect(text).not.toContain('Warnings:');
  });

  it('uses a given title, describes burst runs and lists warnings', () => {
    const text = formatSummary(summaryOf(rows, 100 / 60, 50), 'My run');
    expect(text.split('\n')[1]).toBe('My run');
    expect(text).toMatch(/Warnings:\n {2}! Schedule lag P99 50\.\d ms exceeds 10 ms/);
    expect(formatSummary(summaryOf(rows, null))).toMatch(/in one burst \(concurrency 8\)[\s\S]*Schedule: burst/);
  });

  it('prints n/a when there is no latency', () => {
    const text = formatSummary(summaryOf([[0, 0, 1, 0, ErrorCode.connectionRefused]], 1));
    expect(text).toContain('P95:    n/a');
    expect(text).toContain('no response: 1');
  });
});

const snapshot: ProgressSnapshot = {
  elapsedMs: 12_000,
  plannedRequests: 3000,
  sent: 1200,
  completed: 1195,
  inFlight: 5,
  succeeded: 1190,
  failed: 5,
  currentP95Ms: 234.54,
  windowCount: 500,
  windowMs: 5000,
  plannedMs: 60_000,
};
const line =
  '[perf] load: sent 1200 of 3000, answered 1195 (5 failed), 5 in flight; P95 234.5 ms over the last 5.0 s (500 answers); 48 s left';

describe('printProgress', () => {
  it('prints a line for every snapshot the engine publishes, until it is unsubscribed', () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    try {
      const unsubscribe = printProgress();
      publishProgress(snapshot);
      unsubscribe();
      publishProgress(snapshot);
      expect(log.mock.calls).toEqual([[line]]);
    } finally {
      log.mockRestore();
    }
  });
});
