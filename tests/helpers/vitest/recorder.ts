// What every performance spec does around its load: read the run context,
// keep the summaries, timelines, checks and server metrics it produced, and
// write its report (also when an assertion fails or the spec throws).
import { resolve } from 'node:path';
import type { TaskMeta } from 'vitest';
import { bodyCheckFor, LOAD_TEST_DEFAULTS, statusIn } from '#engine';
import type { MetricsResult, ServerMetrics } from '../service/index.ts';
import { ledgerFor, plannedDurationMs, reportPathFor, TICKET_BLOCK, ticketIdStart, type PerfContext } from './perf-context.ts';

/** A Vitest suite, as far as the title needs it. */
interface AnySuite {
  name: string;
  suite?: AnySuite;
  meta?: TaskMeta;
}

/** The key under which describeSpec marks each `run i of N` block with its repetition (0-based). */
export const REPETITION_META = 'perfRepetition';

declare module 'vitest' {
  interface TaskMeta {
    [REPETITION_META]?: number;
  }
}

/** One repetition's figures, and what was judged of them. */
interface RunRecord {
  summaries: Record<string, LoadTestSummary>;
  timelines: Record<string, unknown>;
  degradation?: DegradationAnalysis;
  /** Figures a spec gave judge() (degradationPercent), by metric. */
  given: Partial<Record<Metric, number>>;
  /** The server's metrics around this run (serverMetrics()), beside its own figures. */
  metrics?: NonNullable<SpecReport['serverMetrics']>;
}

const emptyRun = (): RunRecord => ({ summaries: {}, timelines: {}, given: {} });
import {
  admittedSends,
  answerTimes,
  planWait,
  waitMessage,
  type PhasePlan,
  type RateLedger,
  type Sent,
  type WaitPlan,
} from '../rate-limit/index.ts';
import { formatBaselineComparison, formatRepeats, medianRunIndex, repeatsRecord } from '../analysis/index.ts';
import {
  checkAgainstBaseline,
  historyPathFor,
  recordHistory,
  recordHistorySync,
  reportBase,
  writeHtmlReportSync,
  writeSpecReport,
  writeSpecReportSync,
  type CheckRecord,
  type RepeatsRecord,
  type SpecReport,
  timelineOf,
} from '../report/index.ts';
import {
  analyzeDegradation,
  evaluateThresholds,
  formatThresholds,
  type DegradationAnalysis,
  type DegradationOptions,
  type Metric,
  type Threshold,
  type ThresholdResult,
} from '../analysis/index.ts';
import type { LoadTestOptions, LoadTestResults, LoadTestSummary } from '#engine';

/** How long an interrupted spec may go on (to hand back a run's partial results) before it exits. */
const INTERRUPT_GRACE_MS = 1000;

export class SpecRecorder {
  readonly startedAt = new Date();
  readonly reportPath: string;
  /** The spec's title in reports: its top-level describe's name, unless given. */
  title: string;
  /** Whether this spec's tests run in `run i of N` blocks (describeSpec; the capacity search does not). */
  private repeated = false;
  /** The repetition running now, 0-based (describeSpec's `run i of N` block). */
  private repetition = 0;
  /** What each repetition produced; a spec that is not repeated has one. */
  private readonly runs: RunRecord[] = [emptyRun()];
  /** The phase whose P95 picks the median run: the first judged one (else the first run's first phase). */
  private judgedPhase: string | undefined;
  private readonly checks: CheckRecord[] = [];
  private readonly thresholdResults: ThresholdResult[] = [];
  private readonly extra: Record<string, unknown> = {};
  private aborted = false;
  /** The report went into the history (PERF_HISTORY) once: at the end, or at an interrupt. */
  private historyAdded = false;
  /** Set by SIGINT/SIGTERM: from then on the report and the ledger are written synchronously. */
  private interrupted = false;
  private readonly interrupt = new AbortController();
  /** What this suite sent to the service, shared with other specs and runs (rate-limit planning). */
  readonly ledger: RateLedger;
  private ledgerWrites: Promise<void> = Promise.resolve();
  private readonly waits: (WaitPlan & { phase: string; requests: number; message: string })[] = [];
  /** Aborted on SIGINT/SIGTERM: pass it to runLoadTest so an interrupted run still reports. */
  readonly signal = this.interrupt.signal;

  /**
   * Keeps what one spec file produced and writes its report once, in finish(). The `recorder`
   * fixture (fixtures.ts) makes one per spec file, named after the file.
   */
  constructor(
    readonly spec: string,
    readonly context: PerfContext,
    title?: string,
  ) {
    this.reportPath = reportPathFor(context.config, spec);
    this.ledger = ledgerFor(context);
    this.title = title ?? spec;
  }

  /** PERF_REPEAT for a spec whose tests run in `run i of N` blocks (describeSpec), else 1. */
  get repeatCount(): number {
    return this.repeated ? this.context.config.repeat.count : 1;
  }

  /** What the repetition running now records into. */
  private get run(): RunRecord {
    // No gaps: a repetition that recorded nothing (it failed first) is an empty run, not a hole.
    while (this.runs.length <= this.repetition) this.runs.push(emptyRun());
    return this.runs[this.repetition]!;
  }

  /** The spec file's task, whose meta carries the report to the reporter (set by attach). */
  file: { meta: TaskMeta } | undefined;
  private titled = false;

  /**
   * Learns, from each test's task: the spec file's task; which repetition runs (the `run i of N`
   * block's meta, describeSpec); and, unless given, the title: the outermost describe's name, or
   * the first test's name in a spec without one.
   */
  attach(task: { name?: string; file: { meta: TaskMeta; name: string }; suite?: AnySuite }): void {
    this.file ??= task.file;
    for (let suite = task.suite; suite !== undefined; suite = suite.suite) {
      const repetition = suite.meta?.[REPETITION_META];
      if (typeof repetition === 'number') {
        this.repetition = repetition;
        this.repeated = true;
      }
    }
    if (this.titled) return;
    this.titled = true;
    let suite = task.suite;
    while (suite?.suite !== undefined) suite = suite.suite;
    if (this.title !== this.spec) return;
    // A spec without a describe is titled by its first test (perfTest('custom: 30 requests at 2/s', ...)).
    const outer = suite?.name ?? '';
    this.title = outer !== '' && outer !== task.file.name ? outer : (task.name ?? this.spec);
  }

  /** The header the service reads the signature from (the engine's), lowercase, for requests a spec sends itself. */
  readonly signatureHeader = LOAD_TEST_DEFAULTS.signatureHeader.toLowerCase();

  /** Whether an HTTP status is a success as SUCCESS_STATUSES declares it. */
  isSuccess(status: number): boolean {
    return this.context.config.success.statuses.includes(status);
  }

  /** The first ticket id of this spec's block (its own, so specs and repetitions never collide), plus `offset`. */
  ticketId(offset = 0): number {
    return ticketIdStart(this.context, this.spec, offset, this.repetition);
  }

  /** Ticket ids handed out so far within this spec's block (reserveTickets). */
  private reserved = 0;

  /**
   * The first of `count` ticket ids of this spec's block that nothing else of this run uses: each
   * call takes the next ones, so phases and repetitions never send the same id twice.
   */
  reserveTickets(count: number): number {
    const start = this.reserved;
    // Whole thousands apart, with room for stages whose count is known only as they run.
    this.reserved += Math.ceil(Math.max(count, 1) / 1000) * 1000 + (count === 0 ? 1_000_000 : 0);
    if (this.reserved > TICKET_BLOCK) {
      throw new Error(
        `the spec ${this.spec} sent more than its block of ${TICKET_BLOCK} ticket ids in this run: split it into several spec files`,
      );
    }
    return ticketIdStart(this.context, this.spec, start);
  }

  /** How many times load() runs each plan: PERF_REPEAT (a spec that repeats is then reported with its spread). */
  repeatLoads(): number {
    this.repeated = this.context.config.repeat.count > 1;
    return this.context.config.repeat.count;
  }

  /** Keeps the outcome of one test (a check) for the report; a skipped one's detail is its reason. */
  recordCheck(name: string, result: { state?: string; errors?: readonly { message: string }[]; note?: string } | undefined): void {
    const state = result?.state;
    const errors = (result?.errors ?? []).map((error) => error.message.split('\n')[0]).join(' | ');
    const note = result?.note ?? '';
    if (state === 'skip') console.log(`[perf] skipped "${name}": ${note || 'no reason given'}`);
    this.checks.push({
      name: this.repeatCount > 1 ? `${this.runLabel()}: ${name}` : name,
      outcome: state === 'fail' ? 'failed' : state === 'skip' ? 'skipped' : 'passed',
      detail: state === 'skip' ? note || 'skipped (no reason given)' : errors,
    });
  }

  /**
   * Ctrl-C (SIGINT) or SIGTERM mid-spec, or the Vitest main process gone (a signal to it
   * alone): the file's cleanup will never run, and the worker may be made to exit at its next
   * turn (its next message to the gone main process ends it). So the report is written
   * synchronously at once, marked aborted, with the HTML index of the run so far, and again
   * when the run in progress (given `signal: recorder.signal`) hands back its partial results
   * to addRun; then the worker exits, so none is left behind. Returns the function that stops
   * listening.
   */
  listenForInterrupts(): () => void {
    const onInterrupt = (why: string, exitCode: number) => {
      if (this.interrupted) return;
      this.aborted = true;
      this.interrupted = true;
      this.extra.interrupted = `${why} at ${new Date().toISOString()}`;
      this.interrupt.abort();
      this.saveSync(); // the main process names it in the console (interrupt-reporter.ts)
      setTimeout(() => {
        this.saveSync();
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
   * The end of the spec file: compares with the baseline (PERF_BASELINE), writes the report
   * once and returns it, with the regression against the baseline if there is one (the
   * fixture then fails the spec file with it, the metric named).
   */
  async finish(): Promise<{ report: SpecReport; regression?: string }> {
    const repeats = this.repeats();
    if (repeats !== undefined) console.log(formatRepeats(repeats));
    const baseline = await this.compareWithBaseline();
    await this.save();
    console.log(`[perf] report: ${this.reportPath}`);
    if (!this.historyAdded) {
      this.historyAdded = true;
      const history = await recordHistory(this.context.config, this.build());
      if (history !== undefined) console.log(`[perf] history: ${history}`);
    }
    if (baseline === undefined) return { report: this.build() };
    console.log(formatBaselineComparison(baseline.comparison));
    const failed = baseline.check.outcome === 'failed';
    return {
      report: this.build(),
      ...(failed
        ? { regression: `Performance regression against the baseline: ${baseline.comparison.verdict} (report: ${this.reportPath})` }
        : {}),
    };
  }

  /**
   * runLoadTest options for a paced phase from this spec's ticket block (plus `ticketOffset`): answerRules() (the service, the secret, Ctrl-C,
   * SUCCESS_STATUSES and SUCCESS_BODY) and a hard bound of the planned schedule plus one
   * request timeout.
   */
  pacedLoad(totalRequests: number, ratePerMinute: number, ticketOffset = 0): LoadTestOptions {
    const { config } = this.context;
    return {
      ...this.answerRules(),
      totalRequests,
      requestsPerSecond: ratePerMinute / 60,
      ticketIdStart: this.ticketId(ticketOffset),
      timeoutMs: config.requestTimeoutMs,
      maxDurationMs: plannedDurationMs(totalRequests, ratePerMinute) + config.requestTimeoutMs + 10_000,
    };
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

  /**
   * Waits until the service's rate-limit window (RATE_LIMIT) has room for the phase, from
   * what this suite sent it (the ledger, shared by specs and runs), and prints how long and
   * why (`needs` says what the room is for, when it is not simply the phase's plan). Returns
   * at once without a policy; stops waiting when the spec is interrupted.
   */
  async awaitRoom(phase: string, plan: PhasePlan, needs?: string): Promise<WaitPlan> {
    await this.ledgerWrites;
    const policy = this.context.config.rateLimit;
    const plannedAt = Date.now();
    const wait = planWait(policy, answerTimes(await this.ledger.sent()), plan, plannedAt);
    const message = waitMessage(`${this.spec}/${phase}`, policy, plan, wait, needs);
    console.log(`[perf] rate limit: ${message}`);
    this.waits.push({ ...wait, phase, requests: plan.requests, message });
    this.extra.rateLimitWaits = this.waits;
    if (wait.waitMs > 0) await sleep(wait.waitMs, this.signal);
    return wait;
  }

  /** This suite's requests to the service still in the ledger, this spec's included. */
  async sent(): Promise<Sent[]> {
    await this.ledgerWrites;
    return this.ledger.sent();
  }

  /** Adds requests sent outside runLoadTest (the ones the service may have admitted: all but 429s). */
  recordSent(entries: readonly Sent[]): void {
    if (this.interrupted) {
      try {
        this.ledger.recordSync(entries);
      } catch (error) {
        console.warn(`[perf] could not update the rate-limit ledger ${this.ledger.path}: ${(error as Error).message}`);
      }
      return;
    }
    this.ledgerWrites = this.ledgerWrites
      .then(() => this.ledger.record(entries))
      .catch((error: unknown) => {
        console.warn(`[perf] could not update the rate-limit ledger ${this.ledger.path}: ${(error as Error).message}`);
      });
  }

  /**
   * Keeps a run's summary and timeline under `phase`; returns the summary. A run whose requests
   * were cancelled marks the report `aborted`, unless `cutByDesign` says its time bound is part
   * of the measurement (a capacity step past the knee: what is still queued at the bound is cut).
   */
  addRun(
    phase: string,
    results: LoadTestResults,
    { cutByDesign = false, repetition }: { cutByDesign?: boolean; repetition?: number } = {},
  ): LoadTestSummary {
    this.recordSent(admittedSends(results));
    const summary = results.getSummary();
    if (repetition !== undefined) this.repetition = repetition;
    this.run.summaries[phase] = summary;
    this.run.timelines[phase] = timelineOf(results);
    if (summary.cancelledCount > 0 && !cutByDesign) this.aborted = true;
    if (this.interrupted) this.saveSync();
    return summary;
  }

  /**
   * Evaluates the spec's thresholds once over its runs (addRun's phases; `given` supplies figures
   * a summary cannot, such as degradationPercent), prints them, keeps them for the report and
   * returns them for `expect(results).toPassThresholds()`.
   */
  judge(thresholds: readonly Threshold[], given: Partial<Record<Metric, number>> = {}): ThresholdResult[] {
    Object.assign(this.run.given, given);
    const phase = thresholds[0]?.phase;
    this.judgedPhase ??= phase;
    if (this.repeatCount === 1) return this.keep(evaluateThresholds(thresholds, this.run.summaries, given));
    // Repeated: each run's figures are shown; the thresholds judge the median run, after the last.
    if (this.repetition < this.repeatCount - 1) {
      const deferred = `${this.runLabel()}: judged on the median run after run ${this.repeatCount}`;
      const seen = evaluateThresholds(thresholds, this.run.summaries, given).map((r) => ({ ...r, deferred }));
      console.log(formatThresholds(seen));
      return seen;
    }
    const last = `${this.runLabel()}, the last: judged on the median run next`;
    console.log(formatThresholds(evaluateThresholds(thresholds, this.run.summaries, given).map((r) => ({ ...r, deferred: last }))));
    // One median run for every judgement and the report: the first judged phase picks it.
    const judged = this.judgedPhase ?? '';
    const median = medianRunIndex(this.runs, judged);
    const run = this.runs[median]!;
    console.log(`[perf] judged on the median run: run ${median + 1} of ${this.runs.length} (its P95 in ${judged} is the median)`);
    return this.keep(
      evaluateThresholds(thresholds, run.summaries, run.given).map((r) => ({ ...r, text: `${r.text} [median run ${median + 1}]` })),
    );
  }

  /**
   * Keeps one evaluation of thresholds (toMeet) for the report and prints it. `phase` picks the
   * median run of a repeated spec (the first phase judged).
   */
  keepThresholds(results: ThresholdResult[], repetition: number, degradation?: DegradationAnalysis): ThresholdResult[] {
    this.judgedPhase ??= results[0]?.phase;
    this.repetition = repetition;
    if (degradation !== undefined) {
      this.run.degradation = degradation;
      console.log(`Degradation: ${degradation.verdict}`);
    }
    return this.keep(results);
  }

  private keep(results: ThresholdResult[]): ThresholdResult[] {
    this.thresholdResults.push(...results);
    console.log(formatThresholds(results));
    return results;
  }

  /** "run 2 of 3" */
  private runLabel(): string {
    return `run ${this.repetition + 1} of ${this.repeatCount}`;
  }

  serverMetrics(before: MetricsResult, after: MetricsResult): void {
    const pick = (result: MetricsResult): ServerMetrics | undefined => (result.available ? result.metrics : undefined);
    const metrics: NonNullable<SpecReport['serverMetrics']> = { before: pick(before), after: pick(after) };
    const reason = !before.available ? before.reason : !after.available ? after.reason : undefined;
    if (reason) metrics.unavailableReason = reason;
    this.run.metrics = metrics;
  }

  /** Does latency change over the run (analysis/degradation.ts, over the successes only)? Kept for the report, printed, returned. */
  degradation(results: LoadTestResults, options?: DegradationOptions): DegradationAnalysis {
    const analysis = analyzeDegradation(results, options);
    this.run.degradation = analysis;
    console.log(`Degradation: ${analysis.verdict}`);
    return analysis;
  }

  note(key: string, value: unknown): void {
    this.extra[key] = value;
  }

  /** With PERF_BASELINE set: compares the report with the baseline's and keeps the outcome as a check. */
  private async compareWithBaseline() {
    const result = await checkAgainstBaseline(this.build(), this.context.config.baseline);
    if (!result.ran) {
      if (this.context.config.baseline.path !== undefined) console.log(`[perf] baseline: not compared: ${result.reason}`);
      return undefined;
    }
    this.note('baseline', result.comparison);
    this.checks.push(result.check);
    return result;
  }

  /** Writes the report as it stands. */
  private async save(error?: unknown): Promise<string> {
    await this.ledgerWrites;
    return writeSpecReport(resolve(this.context.config.reportDir), this.build(error));
  }

  /** save() without yielding to the event loop, for an interrupted spec, with the run's HTML index; never throws. */
  private saveSync(): void {
    const dir = resolve(this.context.config.reportDir);
    try {
      writeSpecReportSync(dir, this.build());
      // Again at each save of an interrupted spec (the partial run comes later): the history
      // keeps a spec run's last line (report/history.ts parseHistory).
      this.historyAdded = true;
      recordHistorySync(this.context.config, this.build());
      const { config } = this.context;
      writeHtmlReportSync(dir, this.context.runStartedAt, {
        historyPath: historyPathFor(config.reportDir, config.history) ?? null,
      });
    } catch (error) {
      process.stderr.write(`[perf] could not write the report ${this.reportPath}: ${(error as Error).message}\n`);
    }
  }

  /** The record of the repetitions (PERF_REPEAT > 1), from the runs so far; undefined for a single run. */
  private repeats(): RepeatsRecord | undefined {
    if (this.repeatCount === 1) return undefined;
    const firstPhase = Object.keys(this.runs.find((run) => Object.keys(run.summaries).length > 0)?.summaries ?? {})[0];
    const phase = this.judgedPhase ?? firstPhase ?? '';
    const figures = this.runs.map(({ summaries, timelines }) => ({ summaries, timelines }));
    return repeatsRecord(this.repeatCount, figures, phase, {
      maxCvPercent: this.context.config.repeat.maxCvPercent,
      maxSuccessRangePoints: 5,
    });
  }

  private build(error?: unknown): SpecReport {
    // Repeated: the report's figures are the median run's (the one the thresholds judged).
    const repeats = this.repeats();
    const main = this.runs[repeats?.medianRun ?? 0] ?? emptyRun();
    return {
      ...reportBase(this.spec, this.title, this.context, this.startedAt),
      status: error ? 'error' : this.aborted ? 'aborted' : 'completed',
      ...(error ? { error: String((error as Error).stack ?? error) } : {}),
      finishedAt: new Date().toISOString(),
      summaries: main.summaries,
      ...(main.degradation === undefined ? {} : { degradation: main.degradation }),
      ...(this.thresholdResults.length > 0 ? { thresholds: this.thresholdResults } : {}),
      serverMetrics: main.metrics ?? {},
      checks: this.checks,
      timelines: main.timelines,
      extra: this.extra,
      ...(repeats === undefined ? {} : { repeats }),
    };
  }
}

/** Resolves after `ms`, or at once when `signal` aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((done) => {
    if (signal.aborted) return done();
    const timer = setTimeout(finish, ms);
    function finish() {
      clearTimeout(timer);
      signal.removeEventListener('abort', finish);
      done();
    }
    signal.addEventListener('abort', finish, { once: true });
  });
}
