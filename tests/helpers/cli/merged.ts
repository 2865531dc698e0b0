// What `npm run load` shows and files for merged segments (`merge`, `--workers`):
// the merge's outcome (a missing segment fails it), its JSON report in the specs'
// shape, and the Markdown summary for a CI job's page. Pure.
import type { LoadTestSummary } from '#engine';
import { describeThreshold, type ThresholdResult } from '../analysis/index.ts';
import type { MergedRun } from '../merge/index.ts';
import { defaultTitle, reportBase, type SpecReport } from '../report/index.ts';
import { PHASE } from './arguments.ts';
import { externalConfig, externalEndpoints } from './report.ts';
import { EXIT, outcomeOf, type Interruption, type Outcome } from './outcome.ts';

/**
 * The outcome of a merge: after an interruption, an unreachable service and the thresholds, a
 * segment stopped before its end, or missing, fails it.
 */
export function mergedOutcome(merged: MergedRun, thresholds: readonly ThresholdResult[], interruption: Interruption = null): Outcome {
  const outcome = outcomeOf(merged.summary, thresholds, interruption);
  if (outcome.exitCode !== EXIT.passed) return outcome;
  const { segments } = merged.plan;
  const s = merged.summary;
  if (s.endReason === 'aborted') {
    return {
      exitCode: EXIT.thresholdFailed,
      verdict: `STOPPED: a segment was stopped before its end (Ctrl-C, SIGTERM or a deadline): ${s.sentRequests} of ${s.plannedRequests} requests sent; the figures cover what was sent`,
    };
  }
  if (merged.missing.length === 0) return outcome;
  return {
    exitCode: EXIT.thresholdFailed,
    verdict: `INCOMPLETE: ${merged.missing.length} of ${segments} segments have no result (${merged.missing.map((i) => `${i}/${segments}`).join(', ')}); the figures cover the others`,
  };
}

/** One line on the merge: how many segments, and whether the percentiles are exact. */
export function mergeLine(merged: MergedRun): string {
  const { segments } = merged.plan;
  const parts = `${merged.segments.length} of ${segments} segment${segments === 1 ? '' : 's'}`;
  const how = merged.exactPercentiles
    ? 'percentiles exact (every request kept)'
    : 'percentiles from the merged HdrHistograms (3 significant digits: within 0.1 %)';
  return `merged ${parts} of one plan (${merged.plan.totalRequests} requests to ${merged.plan.url}); ${how}`;
}

export interface MergeReportInput {
  name: string;
  merged: MergedRun;
  sources: readonly string[];
  startedAt: Date;
  finishedAt: Date;
  thresholds: readonly ThresholdResult[];
  outcome: Outcome;
  reportDir: string;
}

/** The merged run's report: the summary of the whole plan, its thresholds, and which parts it holds. */
export function buildMergeReport(input: MergeReportInput): SpecReport {
  const { merged } = input;
  const { url, answers } = merged.plan;
  // The parts' success rule and timeout, when the command that wrote them said (all parts agree: merge checked).
  const config = externalConfig({ url, reportDir: input.reportDir, ...(answers === null ? {} : answers) });
  const stack = externalEndpoints(url, `npm run load: ${merged.plan.segments} segments merged`, 'npm run load -- merge');
  const context = { config, stack, runStartedAt: input.startedAt.toISOString() };
  return {
    ...reportBase(input.name, `${defaultTitle(merged.summary)} (${merged.plan.segments} segments merged)`, context, input.startedAt),
    status: merged.summary.endReason === 'completed' ? 'completed' : 'aborted',
    finishedAt: input.finishedAt.toISOString(),
    summaries: { [PHASE]: merged.summary },
    thresholds: [...input.thresholds],
    checks: [],
    warnings: merged.summary.warnings,
    timelines: {},
    extra: {
      merge: {
        plan: merged.plan,
        segments: merged.segments,
        missing: merged.missing,
        exactPercentiles: merged.exactPercentiles,
        sources: [...input.sources],
        perSecond: merged.timeline,
      },
      outcome: input.outcome,
    },
  };
}

const ms = (value: number): string => (Number.isFinite(value) ? `${value.toFixed(1)} ms` : 'n/a');

/** The merged run in Markdown: verdict, figures, thresholds, warnings (for $GITHUB_STEP_SUMMARY). */
export function mergeMarkdown(merged: MergedRun, thresholds: readonly ThresholdResult[], outcome: Outcome): string {
  const s: LoadTestSummary = merged.summary;
  const rate = s.schedule.targetRps === null ? 'burst' : `${s.schedule.targetRps.toFixed(2)}/s planned`;
  const lines = [
    `## Load test: ${outcome.verdict}`,
    '',
    mergeLine(merged),
    '',
    '| Figure | Value |',
    '| --- | --- |',
    `| Requests | ${s.sentRequests} sent of ${s.plannedRequests} planned, ${s.successCount} succeeded, ${s.failureCount} failed |`,
    `| Success rate | ${s.successRatePercent.toFixed(2)} % |`,
    `| Send rate | ${Number.isFinite(s.schedule.achievedSendRps) ? s.schedule.achievedSendRps.toFixed(2) : 'n/a'}/s (${rate}) |`,
    `| Latency P50 / P95 / P99 / max | ${ms(s.responseTimes.p50Ms)} / ${ms(s.responseTimes.p95Ms)} / ${ms(s.responseTimes.p99Ms)} / ${ms(s.responseTimes.maxMs)} |`,
    `| Statuses | ${Object.entries(s.statusCodes)
      .map(([status, count]) => `${status === '0' ? 'no answer' : status}: ${count}`)
      .join(', ')} |`,
  ];
  if (thresholds.length > 0) {
    lines.push('', '| Threshold | Measured | Result |', '| --- | --- | --- |');
    for (const t of thresholds) {
      lines.push(
        `| ${describeThreshold(t)} | ${Number.isFinite(t.actual) ? t.actual.toFixed(2) : 'n/a'} | ${t.passed ? 'passed' : 'FAILED'} |`,
      );
    }
  }
  if (s.warnings.length > 0) lines.push('', '**Warnings**', '', ...s.warnings.map((w) => `- ${w}`));
  return `${lines.join('\n')}\n`;
}
