// Console rendering of a summary (duration, rates, latencies and statuses, plus the
// schedule line, service times and warnings) and of progress lines. Pure, but
// for printProgress, which prints the engine's progress events.
import { isBusy, subscribeProgress, type GeneratorResources } from '#engine';
import type { LoadTestSummary } from '#engine';
import type { SpecReport } from '../model/index.ts';
import { progressText } from './live-console.ts';
import { countChecks, skippedNote, skipReason, specVerdict } from './verdict.ts';

const RULE = '='.repeat(60);

function ms(value: number): string {
  return Number.isFinite(value) ? value.toFixed(2) : 'n/a';
}

function rate(value: number | null): string {
  return value !== null && Number.isFinite(value) ? value.toFixed(2) : 'n/a';
}

/** Default title: "Load Test: 100 requests at 100 req/min" or "... in one burst (concurrency 50)". */
export function defaultTitle(summary: LoadTestSummary): string {
  const { targetRps, concurrency } = summary.schedule;
  if (targetRps === null) return `Load Test: ${summary.plannedRequests} requests in one burst (concurrency ${concurrency})`;
  const perMinute = targetRps * 60;
  const pace = perMinute < 600 ? `${+perMinute.toFixed(2)} req/min` : `${+targetRps.toFixed(2)} req/s`;
  return `Load Test: ${summary.plannedRequests} requests at ${pace}`;
}

export function formatSummary(summary: LoadTestSummary, title: string = defaultTitle(summary)): string {
  const s = summary;
  const r = s.responseTimes;
  const v = s.serviceTimes;
  const lines = [
    RULE,
    title,
    RULE,
    '',
    `Duration: ${s.durationSeconds.toFixed(2)} seconds`,
    `Actual rate: ${s.achievedRps.toFixed(2)} req/sec`,
    '',
    `Success Rate: ${s.successRatePercent.toFixed(1)}%`,
    `  Success: ${s.successCount}`,
    `  Failure: ${s.failureCount}`,
  ];
  if (s.cancelledCount > 0 || s.notSentCount > 0) {
    lines.push(`  Cancelled in flight: ${s.cancelledCount}`, `  Not sent: ${s.notSentCount}`);
  }
  lines.push(
    '',
    'Response Times (ms):',
    `  Min:    ${ms(r.minMs)}`,
    `  Mean:   ${ms(r.meanMs)}`,
    `  Median: ${ms(r.medianMs)}`,
    `  P95:    ${ms(r.p95Ms)}`,
    `  P99:    ${ms(r.p99Ms)}`,
    `  Max:    ${ms(r.maxMs)}`,
    `  (from each request's scheduled start; service time from the actual send: ` +
      `median ${ms(v.medianMs)}, P95 ${ms(v.p95Ms)}, P99 ${ms(v.p99Ms)}, max ${ms(v.maxMs)})`,
    '',
    'Status Codes:',
  );
  const codes = Object.entries(s.statusCodes).sort(([a], [b]) => Number(a) - Number(b));
  for (const [code, count] of codes) lines.push(`  ${code === '0' ? 'no response' : code}: ${count}`);
  if (codes.length === 0) lines.push('  (none)');

  const sch = s.schedule;
  lines.push(
    '',
    sch.mode === 'burst'
      ? `Schedule: burst, concurrency ${sch.concurrency}; send rate ${rate(sch.achievedSendRps)} req/s; ` +
          `queueing lag P50 ${ms(sch.lagP50Ms)} ms, P99 ${ms(sch.lagP99Ms)} ms, max ${ms(sch.lagMaxMs)} ms`
      : `Schedule: target ${rate(sch.targetRps)} req/s, achieved send ${rate(sch.achievedSendRps)} req/s; ` +
          `lag P50 ${ms(sch.lagP50Ms)} ms, P99 ${ms(sch.lagP99Ms)} ms, max ${ms(sch.lagMaxMs)} ms`,
  );

  if (s.generator !== undefined) lines.push(...generatorLines(s.generator));

  if (s.errors.length > 0) {
    lines.push('', `Errors (first ${s.errors.length} of ${s.failureCount}):`);
    for (const e of s.errors) lines.push(`  #${e.index} ticket ${e.ticketId} ${e.errorClass}: ${e.message}`);
  }
  if (s.warnings.length > 0) {
    lines.push('', 'Warnings:');
    for (const w of s.warnings) lines.push(`  ! ${w}`);
  }
  lines.push(RULE);
  return lines.join('\n');
}

/** A figure of a JSON round trip may be null (from NaN). */
function figure(value: unknown, digits: number): string {
  return typeof value === 'number' && Number.isFinite(value) ? value.toFixed(digits) : 'n/a';
}

/** A 0..1 share in percent; NaN for anything but a number. */
function toPercent(share: unknown): number {
  return typeof share === 'number' ? share * 100 : Number.NaN;
}

/**
 * "Generator: CPU 43 % of one core, event loop 61 % busy (p99 delay 4.1 ms)", then the verdict
 * when there is one to read: the GENERATOR-LIMITED warning, or the note of a busy generator.
 */
export function generatorLines(g: GeneratorResources): string[] {
  const delay = typeof g.eventLoopDelayP99Ms === 'number' ? ` (p99 delay ${figure(g.eventLoopDelayP99Ms, 1)} ms)` : '';
  const lines = [
    `Generator: CPU ${figure(g.cpuPercent, 0)} % of one core, event loop ${figure(toPercent(g.eventLoopUtilization), 0)} % busy${delay}`,
  ];
  if (g.limited) lines.push(`GENERATOR-LIMITED: ${g.note}`);
  else if (isBusy(g)) lines.push(`  ${g.note}`);
  return lines;
}

/** Prints a progress line (live-console.ts's progressText, the phase named `phase`) for every snapshot any run publishes; returns the unsubscribe. */
export function printProgress(phase = 'load'): () => void {
  return subscribeProgress((snapshot) => console.log(progressText({ ...snapshot, phase })));
}

/**
 * Pure: the spec's verdict in one console line, as every overview shows it: "[perf] capacity:
 * skipped (every check skipped: opt-in ...)", "[perf] sustained: passed (4 checks: 3 passed,
 * 1 skipped)", "[perf] burst: failed (1 of 5 checks failed)".
 */
export function verdictLine(report: Pick<SpecReport, 'spec' | 'status' | 'checks'>): string {
  const verdict = specVerdict(report);
  const counts = countChecks(report.checks);
  const plural = (n: number) => `${n} check${n === 1 ? '' : 's'}`;
  let detail: string;
  if (verdict === 'skipped') detail = `every check skipped: ${skipReason(report.checks) ?? 'no reason given'}`;
  else if (counts.total === 0) detail = 'no checks recorded';
  else if (counts.failed > 0) detail = `${counts.failed} of ${plural(counts.total)} failed`;
  else if (skippedNote(counts) !== undefined) detail = `${plural(counts.total)}: ${counts.passed} passed, ${counts.skipped} skipped`;
  else detail = `${plural(counts.total)} passed`;
  const status = verdict === 'failed' && report.status !== 'completed' ? `, run ${report.status}` : '';
  return `[perf] ${report.spec}: ${verdict} (${detail}${status})`;
}
