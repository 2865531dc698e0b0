// One spec file's record: the phases it ran (each repetition's, with PERF_REPEAT),
// the thresholds judged, its checks and notes, and the report built from them.
// The report is written through: at the end of every phase, again at the end of
// the file, and at once on Ctrl-C, always by the same synchronous write, so an
// interrupted spec leaves what it had.
import { resolve } from 'node:path';
import type { TaskMeta } from 'vitest';
import { bodyCheckFor, LOAD_TEST_DEFAULTS, statusIn, type LoadTestOptions, type LoadTestResults, type LoadTestSummary } from '#engine';
import {
  formatBaselineComparison,
  formatRepeats,
  formatThresholds,
  repeatsRecord,
  type DegradationAnalysis,
  type ThresholdResult,
} from '../analysis/index.ts';
import { settingsRead } from '../config/index.ts';
import { admittedSends, lastWord, type PhasePlan, type Sent } from '../rate-limit/index.ts';
import {
  checkAgainstBaseline,
  historyPathFor,
  recordHistory,
  reportBase,
  timelineOf,
  verdictLine,
  writeHtmlReport,
  writeSpecReport,
  type CheckRecord,
  type RepeatsRecord,
  type SpecReport,
} from '../report/index.ts';
import type { MetricsResult, ServerMetrics } from '../service/index.ts';
import { reportPathFor, TICKET_BLOCK, ticketIdStart, type PerfContext } from './perf-context.ts';
import { RateWindow, type WaitRecord } from './rate-window.ts';
import { setRunningPhase } from './running-phase.ts';

/** A Vitest suite, as far as the title needs it. */
interface AnySuite {
  name: string;
  suite?: AnySuite;
}

/** One repetition's figures, by phase. */
interface RunRecord {
  summaries: Record<string, LoadTestSummary>;
  timelines: Record<string, unknown>;
}

const emptyRun = (): RunRecord => ({ summaries: {}, timelines: {} });

/** How long an interrupted spec may go on (to hand back a run's partial results) before it exits. */
const INTERRUPT_GRACE_MS = 1000;

export class SpecRecorder {
  readonly startedAt = new Date();
  readonly reportPath: string;
  /** The spec's title in reports: its outermost describe's name, or its first test's. */
  title: string;
  /** The spec file's task, whose meta carries the report to the reporter (set by attach). */
  file: { meta: TaskMeta } | undefined;
  /** The service's rate-limit window as the suite shares it. */
  readonly window: RateWindow;
  /** What each repetition produced (PERF_REPEAT); one without repeats. */
  private readonly runs: RunRecord[] = [emptyRun()];
  /** Whether a load() ran its plan more than once: the report then carries the spread. */
  private repeated = false;
  /** The phase whose P95 picks the median run: the first one judged. */
  private judgedPhase: string | undefined;
  private readonly checks: CheckRecord[] = [];
  /** Every warning of the spec (warn); the set-up's are the context's. */
  private readonly warnings: string[];
  private readonly thresholdResults: ThresholdResult[] = [];
  private readonly extra: Record<string, unknown> = {};
  /** How latency moved over the run toMeet judged degradation on. */
  private degradation: DegradationAnalysis | undefined;
  /** The service's own metrics around the spec's load (every repetition of it). */
  private metrics: NonNullable<SpecReport['serverMetrics']> = {};
  /** The server's memory and CPU around the spec's load, with their source. */
  private resources: SpecReport['serverResources'];
  private aborted = false;
  /** Set by SIGINT/SIGTERM: every write from then on also updates the history line and the HTML index. */
  private interrupted = false;
  private readonly interrupt = new AbortController();
  /** Aborted on SIGINT/SIGTERM: pass it to runLoadTest so an interrupted run still reports. */
  readonly signal = this.interrupt.signal;
  /** Ticket ids handed out so far within this spec's block (reserveTickets). */
  private reserved = 0;
  private titled = false;

  /** Keeps what one spec file produced. The `recorder` fixture (fixtures.ts) makes one per spec file, named after the file. */
  constructor(
    readonly spec: string,
    readonly context: PerfContext,
    title?: string,
  ) {
    this.reportPath = reportPathFor(context.config, spec);
    this.warnings = [];
    this.window = new RateWindow(context, spec);
    this.title = title ?? spec;
  }

  /** Learns the spec file's task from each test's, and, unless given, the title: the outermost describe's name, or the first test's. */
  attach(task: { name?: string; file: { meta: TaskMeta; name: string }; suite?: AnySuite }): void {
    this.file ??= task.file;
    if (this.titled) return;
    this.titled = true;
    let suite = task.suite;
    while (suite?.suite !== undefined) suite = suite.suite;
    if (this.title !== this.spec) return;
    const outer = suite?.name ?? '';
    this.title = outer !== '' && outer !== task.file.name ? outer : (task.name ?? this.spec);
  }

  /** The header the service reads the signature from (the engine's), lowercase, for requests a spec sends itself. */
  readonly signatureHeader = LOAD_TEST_DEFAULTS.signatureHeader.toLowerCase();

  /** Whether an HTTP status is a success as SUCCESS_STATUSES declares it. */
  isSuccess(status: number): boolean {
    return this.context.config.success.statuses.includes(status);
  }

  /** The id `offset` places into this spec's block of ticket ids (its own, so specs never collide). */
  ticketId(offset = 0): number {
    return ticketIdStart(this.context, this.spec, offset);
  }

  /**
   * The first of `count` ticket ids of this spec's block that nothing else of this run uses: each
   * call takes the next ones, so phases and repetitions never send the same id twice.
   */
  reserveTickets(count: number): number {
    const start = this.reserved;
    this.reserved += Math.ceil(Math.max(count, 1) / 1000) * 1000;
    if (this.reserved > TICKET_BLOCK) {
      throw new Error(
        `the spec ${this.spec} sent more than its block of ${TICKET_BLOCK} ticket ids in this run: split it into several spec files`,
      );
    }
    return this.ticketId(start);
  }

  /** The phases load() ran in this spec: each name once, so the report never replaces one phase with another. */
  private readonly phases = new Set<string>();

  /** Takes `phase` for a load(); a name already taken is refused before any traffic, naming the fix. */
  claimPhase(phase: string): void {
    if (this.phases.has(phase)) {
      throw new Error(
        `load(): the spec ${this.spec} already ran a phase named "${phase}": give each load its own, e.g. load({ phase: 'warm-up', ... })`,
      );
    }
    this.phases.add(phase);
  }

  /** How many times load() runs each plan: PERF_REPEAT (a spec that repeats is then reported with its spread). */
  repeatLoads(): number {
    const { count } = this.context.config.repeat;
    if (count > 1) this.repeated = true;
    return count;
  }

  /**
   * What every load of this suite shares: the service, the secret, Ctrl-C through `signal`,
   * and what counts as success (SUCCESS_STATUSES, and SUCCESS_BODY: by default a success
   * must carry a JSON object, anything else is a `bad_body` failure).
   */
  answerRules(): Pick<LoadTestOptions, 'url' | 'secret' | 'signal' | 'isSuccess' | 'checkBody'> {
    const { config, stack } = this.context;
    const checkBody = bodyCheckFor(config.success.body);
    return {
      url: stack.webhookUrl,
      secret: config.secret,
      signal: this.signal,
      isSuccess: statusIn(config.success.statuses),
      ...(checkBody ? { checkBody } : {}),
    };
  }

  /** The success rule as data (SUCCESS_STATUSES, SUCCESS_BODY): what worker threads rebuild answerRules from. */
  successRule(): { statuses: number[]; body: 'any' | 'json-object' | 'empty' } {
    const { success } = this.context.config;
    return { statuses: [...success.statuses], body: success.body };
  }

  /** Waits until the rate-limit window has room for the phase (RateWindow.awaitRoom); kept in the report. */
  async awaitRoom(phase: string, plan: PhasePlan, needs?: string): Promise<WaitRecord> {
    setRunningPhase(this.spec, phase);
    const wait = await this.window.awaitRoom(phase, plan, this.signal, needs);
    if (wait.overLimitByPlan > 0 || wait.atEdge || wait.serviceSaid !== undefined)
      this.warn(`rate limit: ${wait.message}`, { printed: true });
    this.extra.rateLimitWaits = this.window.waits;
    return wait;
  }

  /** The suite's requests to the service still in the window's ledger, this spec's included. */
  sent(): Sent[] {
    return this.window.sent();
  }

  /** Adds requests sent outside runLoadTest (the ones the service may have admitted: all but 429s). */
  recordSent(entries: readonly Sent[]): void {
    const failed = this.window.record(entries);
    if (failed !== undefined) this.warn(failed);
  }

  /**
   * Keeps a run's summary and timeline under `phase` (of `repetition`, 0 unless repeated), puts its
   * requests in the ledger and writes the report through; returns the summary. A run whose requests
   * were cancelled marks the report `aborted`, unless `cutByDesign` says its time bound is part of
   * the measurement (a capacity step past the knee: what is still queued at the bound is cut).
   */
  addRun(
    phase: string,
    results: LoadTestResults,
    {
      cutByDesign = false,
      repetition = 0,
      summaryPrinted = true,
    }: { cutByDesign?: boolean; repetition?: number; summaryPrinted?: boolean } = {},
  ): LoadTestSummary {
    this.recordSent(admittedSends(results));
    this.window.heard(lastWord(results));
    const summary = results.getSummary();
    // Printed with the phase's summary when it is printed; kept for the end of the run.
    const printed = summaryPrinted;
    for (const warning of summary.warnings) this.warn(`${phase}: ${warning}`, { printed });
    if (summary.generator?.limited === true) this.warn(`${phase}: GENERATOR-LIMITED: ${summary.generator.note}`, { printed });
    const run = this.runAt(repetition);
    run.summaries[phase] = summary;
    run.timelines[phase] = timelineOf(results);
    if (summary.cancelledCount > 0 && !cutByDesign) this.aborted = true;
    this.persist();
    return summary;
  }

  /**
   * Keeps one evaluation of thresholds (toMeet) for the report and prints it, with the degradation
   * of the run judged when it was asked for. The first repeated phase judged picks the median run
   * of a repeated spec.
   */
  keepThresholds(results: ThresholdResult[], degradation?: DegradationAnalysis): ThresholdResult[] {
    const phase = results[0]?.phase;
    if (phase !== undefined && this.repeatedPhases().includes(phase)) this.judgedPhase ??= phase;
    if (degradation !== undefined) {
      this.degradation = degradation; // of the run judged (with PERF_REPEAT, the median one)
      console.log(`Degradation: ${degradation.verdict}`);
    }
    this.thresholdResults.push(...results);
    console.log(formatThresholds(results));
    this.persist();
    return results;
  }

  /**
   * A warning of the spec: printed now, kept in its report and repeated at the end of the run, in
   * summary.md and in the HTML, so it does not scroll away. The same text is kept once. `printed`:
   * the console has it already (a run's summary, a wait's line).
   */
  warn(text: string, { printed = false }: { printed?: boolean } = {}): void {
    if (!printed) console.warn(`[perf] ${this.spec}: ${text}`);
    if (this.warnings.includes(text)) return;
    this.warnings.push(text);
    this.persist();
  }

  /** Keeps the outcome of one test (a check) for the report; a skipped one's detail is its reason. */
  recordCheck(name: string, result: { state?: string; errors?: readonly { message: string }[]; note?: string } | undefined): void {
    const state = result?.state;
    const errors = (result?.errors ?? []).map((error) => error.message.split('\n')[0]).join(' | ');
    const note = result?.note ?? '';
    if (state === 'skip') this.warn(`skipped "${name}": ${note || 'no reason given'}`);
    this.checks.push({
      name,
      outcome: state === 'fail' ? 'failed' : state === 'skip' ? 'skipped' : 'passed',
      detail: state === 'skip' ? note || 'skipped (no reason given)' : errors,
    });
    this.persist();
  }

  /** The service's own metrics before and after the spec's load (with PERF_REPEAT, around every repetition). */
  serverMetrics(before: MetricsResult, after: MetricsResult): void {
    const pick = (result: MetricsResult): ServerMetrics | undefined => (result.available ? result.metrics : undefined);
    this.metrics = { before: pick(before), after: pick(after) };
    const reason = !before.available ? before.reason : !after.available ? after.reason : undefined;
    if (reason) this.metrics.unavailableReason = reason;
  }

  /** The server's memory and CPU around the spec's load, and where they were read (or why not). */
  serverResources(resources: NonNullable<SpecReport['serverResources']>): void {
    this.resources = resources;
  }

  note(key: string, value: unknown): void {
    this.extra[key] = value;
  }

  /**
   * Ctrl-C (SIGINT) or SIGTERM mid-spec, or the Vitest main process gone: the file's cleanup will
   * never run, and the worker may be made to exit at its next turn. So the report is written at
   * once, marked aborted, with its history line and the HTML index of the run so far; the run in
   * progress (given `signal`) hands back its partial results to addRun, which writes them the same
   * way; after a grace period the worker exits, so none is left behind. Returns the function that
   * stops listening.
   */
  listenForInterrupts(): () => void {
    const onInterrupt = (why: string, exitCode: number) => {
      if (this.interrupted) return;
      this.aborted = true;
      this.interrupted = true;
      this.extra.interrupted = `${why} at ${new Date().toISOString()}`;
      this.interrupt.abort();
      this.persist(); // the main process names it in the console (interrupt-reporter.ts)
      setTimeout(() => {
        this.persist();
        process.exit(exitCode);
      }, INTERRUPT_GRACE_MS).unref();
    };
    const onSigint = () => onInterrupt('SIGINT', 130);
    const onSigterm = () => onInterrupt('SIGTERM', 143);
    const onDisconnect = () => onInterrupt('the Vitest main process went away', 1);
    process.once('SIGINT', onSigint);
    process.once('SIGTERM', onSigterm);
    process.once('disconnect', onDisconnect);
    return () => {
      process.off('SIGINT', onSigint);
      process.off('SIGTERM', onSigterm);
      process.off('disconnect', onDisconnect);
    };
  }

  /**
   * The end of the spec file: compares with the baseline (PERF_BASELINE), writes the report and
   * its history line, and returns the report, with the regression against the baseline if there
   * is one (the fixture then fails the spec file with it, the metric named).
   */
  async finish(): Promise<{ report: SpecReport; regression?: string }> {
    const repeats = this.repeats();
    if (repeats !== undefined) console.log(formatRepeats(repeats));
    const baseline = await this.compareWithBaseline();
    const report = this.write();
    console.log(`[perf] report: ${this.reportPath}`);
    console.log(verdictLine(report));
    const history = recordHistory(this.context.config, report);
    if (history !== undefined) console.log(`[perf] history: ${history}`);
    if (baseline === undefined) return { report };
    console.log(formatBaselineComparison(baseline.comparison));
    if (baseline.check.outcome !== 'failed') return { report };
    return {
      report,
      regression: `Performance regression against the baseline: ${baseline.comparison.verdict} (report: ${this.reportPath})`,
    };
  }

  /** With PERF_BASELINE set: compares the report with the baseline's and keeps the outcome as a check. */
  private async compareWithBaseline() {
    const report = this.build();
    // A spec that measured nothing (every check skipped) has nothing to compare: it stays skipped.
    if (Object.keys(report.summaries).length === 0) {
      if (this.context.config.baseline.path !== undefined) console.log('[perf] baseline: not compared: this spec measured nothing');
      return undefined;
    }
    const result = await checkAgainstBaseline(report, this.context.config.baseline);
    if (!result.ran) {
      if (this.context.config.baseline.path !== undefined) console.log(`[perf] baseline: not compared: ${result.reason}`);
      // A baseline of another target: the refusal is in the report, its check skipped with the reason.
      if ('refused' in result) {
        this.note('baseline', result.refused);
        this.checks.push(result.check);
        this.warn(`skipped "${result.check.name}": ${result.check.detail}`, { printed: this.context.config.baseline.path !== undefined });
      }
      return undefined;
    }
    this.note('baseline', result.comparison);
    this.checks.push(result.check);
    return result;
  }

  /** The phases recorded in more than one repetition, in the order the first run recorded them. */
  private repeatedPhases(): string[] {
    const seen = new Map<string, number>();
    for (const run of this.runs) for (const phase of Object.keys(run.summaries)) seen.set(phase, (seen.get(phase) ?? 0) + 1);
    return [...seen].filter(([, count]) => count > 1).map(([phase]) => phase);
  }

  /** The record of `repetition`, with no gaps before it (a repetition that recorded nothing is an empty run). */
  private runAt(repetition: number): RunRecord {
    while (this.runs.length <= repetition) this.runs.push(emptyRun());
    return this.runs[repetition]!;
  }

  /** Writes the report as it stands; returns it. */
  private write(): SpecReport {
    const report = this.build();
    writeSpecReport(resolve(this.context.config.reportDir), report);
    return report;
  }

  /**
   * Writes the report through; once interrupted, also its history line (the history keeps a spec
   * run's last line, so each write replaces the one before) and the HTML index of the run so far.
   * Never throws: a report that cannot be written is said, and the spec goes on.
   */
  private persist(): void {
    try {
      const report = this.write();
      if (!this.interrupted) return;
      const { config, runStartedAt } = this.context;
      recordHistory(config, report);
      writeHtmlReport(resolve(config.reportDir), {
        currentRun: runStartedAt,
        historyPath: historyPathFor(config.reportDir, config.history) ?? null,
      });
    } catch (error) {
      process.stderr.write(`[perf] could not write the report ${this.reportPath}: ${(error as Error).message}\n`);
    }
  }

  /** The record of the repetitions (PERF_REPEAT > 1), from the runs so far; undefined for a single run. */
  private repeats(): RepeatsRecord | undefined {
    if (!this.repeated) return undefined;
    // A phase run once (repeats: false) cannot pick a median run: the first repeated one does.
    const phase = this.judgedPhase ?? this.repeatedPhases()[0] ?? '';
    const figures = this.runs.map(({ summaries, timelines }) => ({ summaries, timelines }));
    return repeatsRecord(this.context.config.repeat.count, figures, phase, {
      maxCvPercent: this.context.config.repeat.maxCvPercent,
      maxSuccessRangePoints: 5,
    });
  }

  private build(): SpecReport {
    // Repeated: the report's figures are the median run's (the one the thresholds judged).
    const repeats = this.repeats();
    const median = this.runs[repeats?.medianRun ?? 0] ?? emptyRun();
    // A phase run once (repeats: false) is in the first run only: shown beside the median run's.
    const main: RunRecord = {
      ...median,
      summaries: Object.assign({}, ...this.runs.map((run) => run.summaries).reverse(), median.summaries),
      timelines: Object.assign({}, ...this.runs.map((run) => run.timelines).reverse(), median.timelines),
    };
    const settings = settingsRead();
    return {
      ...reportBase(this.spec, this.title, this.context, this.startedAt),
      status: this.aborted ? 'aborted' : 'completed',
      finishedAt: new Date().toISOString(),
      summaries: main.summaries,
      ...(this.degradation === undefined ? {} : { degradation: this.degradation }),
      ...(this.thresholdResults.length > 0 ? { thresholds: this.thresholdResults } : {}),
      serverMetrics: this.metrics,
      ...(this.resources === undefined ? {} : { serverResources: this.resources }),
      checks: this.checks,
      ...(this.warnings.length > 0 ? { warnings: this.warnings } : {}),
      ...((this.context.setupWarnings ?? []).length > 0 ? { setupWarnings: this.context.setupWarnings } : {}),
      timelines: main.timelines,
      extra: { ...this.extra, ...(Object.keys(settings).length > 0 ? { specSettings: settings } : {}) },
      ...(repeats === undefined ? {} : { repeats }),
    };
  }
}
