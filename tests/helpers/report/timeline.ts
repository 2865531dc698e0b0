// One run's per-request records as the reports keep them: columns (one array per field),
// compact in JSON, read back by the HTML charts and the baseline comparison. Pure.
import type { LoadTestResults } from '#engine';

export function timelineOf(results: LoadTestResults) {
  const samples = results.samples;
  return {
    ticketId: samples.map((s) => s.ticketId),
    intendedStartMs: samples.map((s) => round(s.intendedStartMs)),
    actualStartMs: samples.map((s) => round(s.actualStartMs)),
    endMs: samples.map((s) => round(s.endMs)),
    status: samples.map((s) => s.status),
    errorClass: samples.map((s) => s.errorClass ?? null),
    responseTimeMs: samples.map((s) => round(s.responseTimeMs)),
    serviceTimeMs: samples.map((s) => round(s.serviceTimeMs)),
  };
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
