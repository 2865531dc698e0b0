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
  return externalConfig(settings);
}

/** What a command's report records of the service: its URL, the success rule and timeout when known. */
export interface ExternalTarget {
  url: string;
  reportDir: string;
  successStatuses?: readonly number[];
  successBody?: string;
  timeoutMs?: number;
}

/** The suite's configuration for an external service at `target.url` (the others left at their defaults). */
export function externalConfig(target: ExternalTarget): PerfConfig {
  return parseConfig({
    WEBHOOK_STACK: 'external',
    WEBHOOK_URL: target.url,
    WEBHOOK_SECRET: REDACTED,
    ...(target.successStatuses === undefined ? {} : { SUCCESS_STATUSES: formatStatuses([...target.successStatuses]) }),
    ...(target.successBody === undefined ? {} : { SUCCESS_BODY: target.successBody }),
    ...(target.timeoutMs === undefined ? {} : { REQUEST_TIMEOUT_MS: String(target.timeoutMs) }),
    PERF_REPORT_DIR: target.reportDir,
    RATE_LIMIT: 'none',
  });
}

/** The endpoints of an external service a command loaded (`reason`: how, `command`: which). */
export function externalEndpoints(url: string, reason: string, command: string): StackEndpoints {
  return { provider: 'external', reason, webhookUrl: url, healthUrl: '', metricsUrl: '', details: { command } };
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
  const stack = externalEndpoints(settings.url, 'npm run load --url (an ad-hoc run from the shell)', 'npm run load');
  const context = { config: run.config, stack, runStartedAt: run.startedAt.toISOString() };
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
