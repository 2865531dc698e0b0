// Spec reports built from synthetic runs (real SampleStore, summary and
// timeline code), so report tests exercise the same shapes the specs write.
import { ErrorCode } from '../../helpers/engine/errors.ts';
import { LoadTestResults } from '../../helpers/engine/results.ts';
import { SampleStore } from '../../helpers/engine/samples.ts';
import type { LoadTestSummary } from '../../helpers/engine/summary.ts';
import { parseConfig } from '../../helpers/config/settings.ts';
import type { SpecReport } from '../../helpers/report/json-report.ts';

export interface PhaseInput {
  /** Corrected latency per request, ms. */
  latencies: readonly number[];
  /** Request indices answered with this status instead of 200 (an http failure). */
  failures?: Readonly<Record<number, number>>;
  /** Requests refused (no response). */
  refused?: readonly number[];
  /** Request indices answered with this status and counted as a success (a status the service declares a success, e.g. 202). */
  accepted?: Readonly<Record<number, number>>;
  /** Request indices answered 200 with a body the run rejected (`bad_body`: a failure, status 200 kept). */
  badBody?: readonly number[];
  intervalMs?: number;
  lagMs?: number;
}

export const config = parseConfig({ WEBHOOK_SECRET: 'test_secret_key_12345' });

export function resultsOf(input: PhaseInput): LoadTestResults {
  const n = input.latencies.length;
  const store = new SampleStore(n, 1000);
  const interval = input.intervalMs ?? 600;
  for (let i = 0; i < n; i++) {
    const intended = i * interval;
    const actual = intended + (input.lagMs ?? 0.5);
    store.recordSend(i, intended, actual);
    const end = intended + (input.latencies[i] as number);
    const status = input.failures?.[i];
    const accepted = input.accepted?.[i];
    if (input.refused?.includes(i)) store.recordEnd(i, actual + 1, 0, ErrorCode.connectionRefused);
    else if (status !== undefined) store.recordEnd(i, end, status, ErrorCode.http);
    else if (input.badBody?.includes(i)) store.recordEnd(i, end, 200, ErrorCode.badBody);
    else if (accepted !== undefined) store.recordEnd(i, end, accepted, ErrorCode.none);
    else store.recordEnd(i, end, 200, ErrorCode.none);
  }
  const durationMs = (n - 1) * interval + Math.max(...input.latencies);
  return new LoadTestResults(
    {
      url: 'http://127.0.0.1:1/webhook',
      plannedRequests: n,
      requestsPerSecond: interval === 0 ? null : 1000 / interval, // an interval of 0: a burst
      concurrency: 10,
      ticketIdStart: 1000,
      startedAt: '2025-01-01T00:00:00.000Z',
      durationMs,
      endReason: 'completed',
      slotWaits: 0,
    },
    store,
    [],
    [],
  );
}

function timelineOf(results: LoadTestResults) {
  const s = results.samples;
  return {
    ticketId: s.map((x) => x.ticketId),
    intendedStartMs: s.map((x) => x.intendedStartMs),
    actualStartMs: s.map((x) => x.actualStartMs),
    endMs: s.map((x) => x.endMs),
    status: s.map((x) => x.status),
    errorClass: s.map((x) => x.errorClass),
    responseTimeMs: s.map((x) => x.responseTimeMs),
    serviceTimeMs: s.map((x) => x.serviceTimeMs),
  };
}

/** A report as SpecRecorder writes it, after a JSON round trip (NaN becomes null). */
export function makeReport(spec: string, phases: Record<string, PhaseInput>, overrides: Partial<SpecReport> = {}): SpecReport {
  const summaries: Record<string, unknown> = {};
  const timelines: Record<string, unknown> = {};
  for (const [phase, input] of Object.entries(phases)) {
    const results = resultsOf(input);
    summaries[phase] = results.getSummary();
    timelines[phase] = timelineOf(results);
  }
  const report: SpecReport = {
    spec,
    title: `${spec} test`,
    status: 'completed',
    runStartedAt: '2025-01-01T00:00:00.000Z',
    startedAt: '2025-01-01T00:00:01.000Z',
    finishedAt: '2025-01-01T00:01:00.000Z',
    scale: 1,
    provider: {
      provider: 'embedded',
      reason: 'test',
      webhookUrl: 'http://127.0.0.1:1/webhook/freshdesk',
      healthUrl: 'http://127.0.0.1:1/webhook/health',
      metricsUrl: 'http://127.0.0.1:1/webhook/metrics',
      details: {},
    },
    config: { ...config, secret: '[redacted]' },
    machine: { node: 'v20', platform: 'linux', arch: 'x64', cpuCount: 2, cpuModel: 'test', totalMemoryMb: 1024 },
    summaries,
    checks: [{ name: 'keeps success >= 95%', outcome: 'passed', detail: '' }],
    timelines,
    extra: {},
    ...overrides,
  };
  return JSON.parse(JSON.stringify(report)) as SpecReport;
}

/** Deterministic latencies around `median` (a fixed spread, no randomness). */
export function latencies(count: number, median: number, spread = 0.4): number[] {
  return Array.from({ length: count }, (_, i) => median * (1 - spread + (2 * spread * ((i * 37) % count)) / count));
}

/** `report` as versions before the summary rename wrote it: `totalRequests`, `requestsPerSecond`, no completedRequests. */
export function legacyReport(report: SpecReport): SpecReport {
  const summaries: Record<string, unknown> = {};
  for (const [phase, summary] of Object.entries(report.summaries)) {
    const { sentRequests, completedRequests: _completed, achievedRps, ...rest } = summary as LoadTestSummary;
    summaries[phase] = { totalRequests: sentRequests, ...rest, requestsPerSecond: achievedRps };
  }
  return { ...report, summaries };
}
