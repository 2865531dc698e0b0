// npm run load -- --url URL [--rate 10/s] [--requests 300] [--max-p95 2000] ... (--help lists every flag)
// npm run load -- merge DIR_OR_FILE... [threshold flags]
// An ad-hoc signed load test from the shell, for those who reach for autocannon or
// `k6 run` first; one segment of a plan split across machines (--segment, --start-at),
// or across this machine's cores (--workers); and the merge of segments' results.
// The edge only: parsing, the options, the thresholds and the report as data are
// tests/helpers/cli, the results and their merge tests/helpers/merge (pure); here are
// argv, the environment, signals, threads, the console and the files. Exit codes: 0
// passed, 1 a threshold failed (or a merge lacks a segment), 2 bad usage (nothing sent),
// 3 the service could not be reached or refused the signed probe, 130 Ctrl-C (143 SIGTERM).
import { appendFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  formatSegment,
  LoadTestOptionError,
  runLoadTest,
  subscribeProgress,
  validateOptions,
  type LoadTestOptions,
  type LoadTestResults,
} from '#engine';
import { evaluateThresholds, formatThresholds } from '../tests/helpers/analysis/index.ts';
import {
  buildCommandReport,
  buildMergeReport,
  commandConfig,
  EXIT,
  helpText,
  mergedOutcome,
  mergeLine,
  mergeMarkdown,
  outcomeOf,
  parseCommandLine,
  PHASE,
  plural,
  probeVerdict,
  reportNameFor,
  usageFromOptionError,
  UsageError,
  WRONG_KEY,
  type ProbeAnswer,
  type Interruption,
  type LoadCommand,
  type MergeCommand,
} from '../tests/helpers/cli/index.ts';
import { ConfigError, type PerfConfig } from '../tests/helpers/config/index.ts';
import {
  mergeResults,
  MergeError,
  readRunResults,
  resultFileName,
  runResultOf,
  writeRunResult,
  type MergedRun,
  type ResultPart,
} from '../tests/helpers/merge/index.ts';
import { formatSummary, LiveConsole, watchedTerminal, writeSpecReport } from '../tests/helpers/report/index.ts';
import { runOnThreads, threadPlanOf } from '../tests/helpers/threads/index.ts';

function usage(message: string): never {
  console.error(`load: ${message}`);
  console.error('load: nothing was sent; npm run load -- --help lists the flags');
  process.exit(EXIT.usage);
}

function plan(command: LoadCommand): string {
  const s = command.settings;
  const pace = s.requestsPerSecond === null ? 'in one burst' : `at ${s.rate}`;
  const judged = command.thresholds.length === 0 ? 'no thresholds' : plural(command.thresholds.length, 'threshold');
  const part =
    s.segment !== null
      ? `segment ${s.segment} of `
      : command.workers > 1
        ? `on ${command.workers} worker threads (one segment each), `
        : '';
  const start = s.startAt === null ? '' : ` from ${new Date(s.startAt).toISOString()}`;
  return (
    `load: ${part}${s.requests} signed requests ${pace} to ${s.url}${start} (${s.payload} payload, secret from $${s.secretEnv}), ` +
    `${judged}; bounded at ${(s.maxDurationMs / 1000).toFixed(1)} s. Ctrl-C stops and still writes the report.`
  );
}

async function main(): Promise<void> {
  let command: LoadCommand;
  let config: PerfConfig;
  try {
    const parsed = parseCommandLine(process.argv.slice(2), process.env, { terminal: watchedTerminal() });
    if (parsed.kind === 'help') {
      console.log(helpText());
      return;
    }
    if (parsed.kind === 'merge') {
      merge(parsed);
      return;
    }
    command = parsed;
    config = commandConfig(command.settings);
  } catch (error) {
    if (error instanceof UsageError || error instanceof ConfigError) usage(error.message);
    throw error;
  }

  // Ctrl-C stops the run through its signal: the engine cancels what is in flight and hands
  // back the partial results, which are printed and reported. A second Ctrl-C quits at once.
  const controller = new AbortController();
  let interruption: Interruption = null;
  const onSignal = (signal: 'SIGINT' | 'SIGTERM'): void => {
    if (interruption !== null) process.exit(signal === 'SIGINT' ? EXIT.interrupted : EXIT.terminated);
    interruption = signal;
    console.error(
      `\nload: ${signal === 'SIGINT' ? 'Ctrl-C' : 'SIGTERM'}: stopping the run; the report is still written (again to quit at once)`,
    );
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  console.log(plan(command));
  // Ticket ids: the plan's from its first (from --start-at, so every segment agrees); each segment's
  // two probes after the plan's (none reused within the service's duplicate window).
  const probeTicket = command.ticketIdStart + command.settings.requests + 2 * ((command.segment?.index ?? 1) - 1);
  const refused = await preflight(command, probeTicket, controller.signal);
  if (interruption !== null) {
    console.error('load: stopped during the signed probe; the load was not sent');
    process.exitCode = interruption === 'SIGINT' ? EXIT.interrupted : EXIT.terminated;
    return;
  }
  if (refused !== null) {
    console.error(`load: ${refused}`);
    process.exitCode = EXIT.unreachable;
    return;
  }
  const live = new LiveConsole({ out: process.stdout, err: process.stderr }, watchedTerminal());
  const stopProgress = command.settings.progress
    ? subscribeProgress((snapshot) => live.progress({ ...snapshot, phase: 'load' }))
    : () => {};
  try {
    // Checked again after the probe: a shared start may have passed while it ran.
    validateOptions({ ...command.options, ticketIdStart: command.ticketIdStart });
  } catch (error) {
    if (!(error instanceof LoadTestOptionError)) throw error;
    console.error(`load: ${usageFromOptionError(error, {}).message}`);
    console.error('load: the signed probe was sent, the load was not');
    process.exitCode = EXIT.usage;
    return;
  }
  const { startAt } = command.settings;
  const waitMs = startAt === null ? 0 : startAt - Date.now();
  if (startAt !== null && waitMs >= 1000) {
    console.log(`load: waiting ${(waitMs / 1000).toFixed(0)} s for the shared start (${new Date(startAt).toISOString()})`);
  }
  const startedAt = new Date();
  const reportDir = resolve(command.settings.reportDir);
  let results: LoadTestResults;
  try {
    results =
      command.workers > 1
        ? await onThreads(command, controller.signal)
        : await runLoadTest({ ...command.options, ticketIdStart: command.ticketIdStart, signal: controller.signal });
  } catch (error) {
    // The engine never rejects for the service's answers: this is a worker thread that failed.
    console.error(`load: the run failed: ${(error as Error).message}`);
    process.exitCode = EXIT.thresholdFailed;
    return;
  } finally {
    stopProgress();
  }
  const finishedAt = new Date();
  const summary = results.getSummary();
  console.log(formatSummary(summary));
  if (command.segment !== null) console.log(`(segment ${formatSegment(command.segment)}: its own figures; merge judges the plan)`);
  const thresholds = evaluateThresholds(command.thresholds, { [PHASE]: summary });
  if (thresholds.length > 0) console.log(formatThresholds(thresholds));
  const outcome = outcomeOf(summary, thresholds, interruption);
  let exitCode: number = outcome.exitCode;
  try {
    const report = buildCommandReport({ settings: command.settings, config, startedAt, finishedAt, results, summary, thresholds, outcome });
    console.log(`Report: ${writeSpecReport(reportDir, report)}`);
    const s = command.settings;
    const result = runResultOf(results, {
      successStatuses: s.successStatuses,
      successBody: s.successBody,
      timeoutMs: s.timeoutMs,
      payload: s.payload,
      signatureHeader: s.signatureHeader,
    });
    console.log(`Result (for merge): ${writeRunResult(reportDir, resultFileName(report.spec, result.segment), result)}`);
  } catch (error) {
    console.error(`load: could not write the report to ${command.settings.reportDir}: ${(error as Error).message}`);
    if (exitCode === EXIT.passed) exitCode = EXIT.thresholdFailed;
  }
  console.log(outcome.verdict);
  process.exitCode = exitCode;
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
}

/** The plan on --workers threads, its segments joined into one run (every request, exact). */
async function onThreads(command: LoadCommand, signal: AbortSignal): Promise<LoadTestResults> {
  const { startAt: _startAt, ...options } = command.options;
  const plan = threadPlanOf(
    { ...options, ticketIdStart: command.ticketIdStart },
    { statuses: command.settings.successStatuses, body: command.settings.successBody },
  );
  const startAt = command.settings.startAt ?? undefined;
  const run = await runOnThreads(plan, command.workers, { signal, ...(startAt === undefined ? {} : { startAt }) });
  return run.results;
}

/** `npm run load -- merge PATH...`: the results of one plan's segments, as one run. */
function merge(command: MergeCommand): void {
  let parts: ResultPart[];
  let merged: MergedRun;
  try {
    parts = readRunResults(command.paths);
    merged = mergeResults(parts);
  } catch (error) {
    if (error instanceof MergeError) {
      console.error(`load merge: ${error.message}`);
      console.error('load merge: nothing was judged');
      process.exitCode = EXIT.usage;
      return;
    }
    throw error;
  }
  const startedAt = new Date();
  const reportDir = resolve(command.reportDir);
  console.log(formatSummary(merged.summary));
  console.log(mergeLine(merged));
  const thresholds = evaluateThresholds(command.thresholds, { [PHASE]: merged.summary });
  if (thresholds.length > 0) console.log(formatThresholds(thresholds));
  const outcome = mergedOutcome(merged, thresholds);
  let exitCode: number = outcome.exitCode;
  try {
    const report = buildMergeReport({
      name: `merge-${reportNameFor(startedAt).replace(/^load-/, '')}`,
      merged,
      sources: parts.map((part) => part.source),
      startedAt,
      finishedAt: new Date(),
      thresholds,
      outcome,
      reportDir,
    });
    console.log(`Report: ${writeSpecReport(reportDir, report)}`);
    if (command.markdown !== null) appendFileSync(command.markdown, mergeMarkdown(merged, thresholds, outcome));
  } catch (error) {
    console.error(`load: could not write the report to ${reportDir}: ${(error as Error).message}`);
    if (exitCode === EXIT.passed) exitCode = EXIT.thresholdFailed;
  }
  console.log(outcome.verdict);
  process.exitCode = exitCode;
}

/**
 * One signed request of the load's own shape before the load; when it is not a success, one signed
 * with a wrong key. Null when the load may go, else why not (probeVerdict).
 */
async function preflight(command: LoadCommand, ticketIdStart: number, signal: AbortSignal): Promise<string | null> {
  const once = async (options: Partial<LoadTestOptions>): Promise<ProbeAnswer> => {
    const results = await runLoadTest({
      ...command.options,
      totalRequests: 1,
      requestsPerSecond: undefined,
      concurrency: 1,
      progress: false,
      maxDurationMs: command.settings.timeoutMs + 5000,
      segment: undefined,
      startAt: undefined,
      signal,
      ...options,
    });
    const sample = results.sampleCount > 0 ? results.sample(0) : undefined;
    if (sample === undefined) return { status: 0, ok: false, reason: 'not sent' };
    return { status: sample.status, ok: sample.ok, ...(sample.errorClass === null ? {} : { reason: sample.errorClass }) };
  };
  const probe = await once({ ticketIdStart });
  if (signal.aborted) return null; // interrupted: main says so
  const s = command.settings;
  console.log(
    `load: signed probe: ${probe.status === 0 ? `no answer (${probe.reason ?? 'none'})` : probe.status}${probe.ok ? ', a success: the load starts' : ''}`,
  );
  if (probe.ok || probe.status === 0 || probe.status === 429) {
    return probeVerdict(probe, undefined, { url: s.url, secretEnv: s.secretEnv, signatureHeader: s.signatureHeader });
  }
  const wrongKey = await once({ ticketIdStart: ticketIdStart + 1, secret: WRONG_KEY });
  return probeVerdict(probe, wrongKey, { url: s.url, secretEnv: s.secretEnv, signatureHeader: s.signatureHeader });
}

await main();
