// npm run load -- --url URL [--rate 10/s] [--requests 300] [--max-p95 2000] ... (--help lists every flag)
// An ad-hoc signed load test from the shell, for those who reach for autocannon or
// `k6 run` first. The edge only: parsing, the options, the thresholds and the report
// as data are tests/helpers/cli (pure); here are argv, the environment, signals, the
// console and the report file. Exit codes: 0 passed, 1 a threshold failed, 2 bad usage
// (nothing sent), 3 the service could not be reached or refused the signed probe, 130 Ctrl-C (143 SIGTERM).
import { resolve } from 'node:path';
import { defaultTicketIdStart, runLoadTest, subscribeProgress, type LoadTestOptions, type LoadTestResults } from '#engine';
import { evaluateThresholds, formatThresholds } from '../tests/helpers/analysis/index.ts';
import {
  buildCommandReport,
  commandConfig,
  EXIT,
  helpText,
  outcomeOf,
  parseCommandLine,
  PHASE,
  plural,
  probeVerdict,
  UsageError,
  WRONG_KEY,
  type ProbeAnswer,
  type Interruption,
  type LoadCommand,
} from '../tests/helpers/cli/index.ts';
import { ConfigError, type PerfConfig } from '../tests/helpers/config/index.ts';
import { formatSummary, LiveConsole, watchedTerminal, writeSpecReport } from '../tests/helpers/report/index.ts';

function usage(message: string): never {
  console.error(`load: ${message}`);
  console.error('load: nothing was sent; npm run load -- --help lists the flags');
  process.exit(EXIT.usage);
}

function plan(command: LoadCommand): string {
  const s = command.settings;
  const pace = s.requestsPerSecond === null ? 'in one burst' : `at ${s.rate}`;
  const judged = command.thresholds.length === 0 ? 'no thresholds' : plural(command.thresholds.length, 'threshold');
  return (
    `load: ${s.requests} signed requests ${pace} to ${s.url} (${s.payload} payload, secret from $${s.secretEnv}), ` +
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
  // Ticket ids: the probes take the first two, the load the rest (none reused within the service's duplicate window).
  const firstTicket = defaultTicketIdStart();
  const refused = await preflight(command, firstTicket, controller.signal);
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
  const startedAt = new Date();
  let results: LoadTestResults;
  try {
    results = await runLoadTest({ ...command.options, ticketIdStart: firstTicket + 2, signal: controller.signal });
  } finally {
    stopProgress();
  }
  const finishedAt = new Date();

  const summary = results.getSummary();
  console.log(formatSummary(summary));
  const thresholds = evaluateThresholds(command.thresholds, { [PHASE]: summary });
  if (thresholds.length > 0) console.log(formatThresholds(thresholds));
  const outcome = outcomeOf(summary, thresholds, interruption);

  let exitCode: number = outcome.exitCode;
  try {
    const report = buildCommandReport({ settings: command.settings, config, startedAt, finishedAt, results, summary, thresholds, outcome });
    console.log(`Report: ${writeSpecReport(resolve(command.settings.reportDir), report)}`);
  } catch (error) {
    console.error(`load: could not write the report to ${command.settings.reportDir}: ${(error as Error).message}`);
    if (exitCode === EXIT.passed) exitCode = EXIT.thresholdFailed;
  }
  console.log(outcome.verdict);
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
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
