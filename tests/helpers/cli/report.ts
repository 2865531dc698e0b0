// The JSON report of one `npm run load` run, in the specs' SpecReport shape (so
// the report part writes it, and its readers and the HTML page take it as they
// take a spec's): the command's settings without the secret, the summary, the
// thresholds as evaluated, the per-request timeline. Pure: the script writes it.
import type { LoadTestResults, LoadTestSummary } from '#engine';
import type { ThresholdResult } from '../analysis/index.ts';
import { formatStatuses, parseConfig, type PerfConfig } from '../config/index.ts';
import type { StackEndpoints } from '../providers/index.ts';
import { defaultTitle, reportBase, timelineOf, type SpecReport } from '../report/index.ts';
import { PHASE, type CommandSettings } from './arguments.ts';
import type { Outcome } from './outcome.ts';

/** What a report may say the secret was: the value itself never enters the report. */
const REDACTED = '[redacted]';

/** `load-2025-01-31T12-00-00-000Z`: one report file per run, ordered by start time. */
export function reportNameFor(startedAt: Date): string {
  return `load-${startedAt.toISOString().replace(/[:.]/g, '-')}`;
}

/**
 * The suite's configuration as the command's flags set it (an external service at --url,
 * its success rule, timeout and report directory; no rate-limit policy is planned around),
 * for the report's `config`. Built from a placeholder secret, never from the real one.
 * Call it before the run: it throws ConfigError on a setting the suite would refuse.
 */
export function commandConfig(settings: CommandSettings): PerfConfig {
  return parseConfig({
    WEBHOOK_STACK: 'external',
    WEBHOOK_URL: settings.url,
    WEBHOOK_SECRET: REDACTED,
    SUCCESS_STATUSES: formatStatuses(settings.successStatuses),
    SUCCESS_BODY: settings.successBody,
    REQUEST_TIMEOUT_MS: String(settings.timeoutMs),
    PERF_REPORT_DIR: settings.reportDir,
    RATE_LIMIT: 'none',
  });
}

export function commandEndpoints(settings: CommandSettings): StackEndpoints {
  return {
    provider: 'external',
    reason: 'npm run load --url (an ad-hoc run from the shell)',
    webhookUrl: settings.url,
    healthUrl: '',
    metricsUrl: '',
    details: { command: 'npm run load' },
  };
}

export interface CommandRun {
  settings: CommandSettings;
  config: PerfConfig;
  startedAt: Date;
  finishedAt: Date;
  results: LoadTestResults;
  summary: LoadTestSummary;
  thresholds: readonly ThresholdResult[];
  outcome: Outcome;
}

/** The report of one run: `aborted` when it stopped early (Ctrl-C or --max-duration-ms), else `completed`. */
export function buildCommandReport(run: CommandRun): SpecReport {
  const { settings, summary } = run;
  const context = { config: run.config, stack: commandEndpoints(settings), runStartedAt: run.startedAt.toISOString() };
  return {
    ...reportBase(reportNameFor(run.startedAt), `${defaultTitle(summary)} (npm run load)`, context, run.startedAt),
    status: summary.endReason === 'completed' ? 'completed' : 'aborted',
    finishedAt: run.finishedAt.toISOString(),
    summaries: { [PHASE]: summary },
    thresholds: [...run.thresholds],
    checks: [],
    timelines: { [PHASE]: timelineOf(run.results) },
    extra: { command: { ...settings }, outcome: run.outcome },
  };
}
