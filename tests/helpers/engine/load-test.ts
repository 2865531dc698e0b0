// runLoadTest: the open-model load generator every spec calls.
//
// Request i is due at start + i / rate, or where the integral of the stages'
// ramping rate reaches i (scheduler.ts, stages.ts); it is signed over the
// exact bytes sent and dispatched on the keep-alive undici Client of a free
// slot (one Client, so one connection, per unit of `concurrency`). Response
// bodies are discarded as they stream in, so connections are reused (with the
// `checkBody` option, accepted ones are kept up to 1 MiB and judged). Every
// outcome lands in preallocated columns (samples.ts); nothing here throws
// after validation. Progress snapshots are events (progress.ts): the engine
// never prints. The generator's own CPU and event loop are read at the run's
// start and end only (resources.ts), for the summary's `generator` verdict.
import { performance } from 'node:perf_hooks';
import { Client, type Dispatcher } from 'undici';
import { classifyError, describeError, ErrorCode, errorClassName } from './errors.ts';
import type { BodyCheck } from './body-checks.ts';
import { MAX_CHECKED_BODY_BYTES, validateOptions, type LoadTestOptions, type ProgressSnapshot, type ResolvedOptions } from './options.ts';
import { encodeFlatPayload, encodePayload, flatPayload } from './payloads.ts';
import { publishProgress } from './progress.ts';
import { ResourceMeter } from './resources.ts';
import { LoadTestResults } from './results.ts';
import { SampleStore } from './samples.ts';
import { Scheduler } from './scheduler.ts';
import { SegmentSchedule } from './segments.ts';
import { StagedSchedule } from './stages.ts';
import { BodySigner } from './signing.ts';
import { percentile, sortedValues } from './statistics.ts';
import { ERROR_DETAILS, type EndReason, type ErrorRecord } from './summary.ts';

const BODY_EXCERPT_BYTES = 200;
/** A run that begins later than this after its shared start says so (its first requests went out late). */
const LATE_START_WARNING_MS = 100;
/** A bad_body reason longer than this is cut, so a check cannot flood the report. */
const BAD_BODY_REASON_CHARS = 200;

/**
 * Runs one load test and resolves with its results. Throws LoadTestOptionError
 * (before any request) for invalid options; never rejects for request failures.
 */
export async function runLoadTest(options: LoadTestOptions): Promise<LoadTestResults> {
  const resolved = validateOptions(options);
  return new LoadRun(resolved).run();
}

/**
 * Per-request state for undici's dispatch API; short-lived (only while in flight). It only
 * collects: the run decides what to keep when the answer starts, and records the outcome.
 *
 * It implements undici's original handler callbacks (onConnect ... onComplete), which undici
 * calls directly. The newer ones (onRequestStart ... onResponseEnd) go through an adapter
 * that allocates a controller and parses the response headers and trailers into objects on
 * every request (about 0.7 us here); the raw headers are read only when captureHeaders asks.
 */
class RequestHandler implements Dispatcher.DispatchHandler {
  abort: ((error: Error) => void) | null = null;
  status = 0;
  success = false;
  /** Set once the run has recorded this request's outcome; later callbacks are ignored. */
  done = false;
  /** Body excerpt of a failed response, kept only for the first few failures. */
  excerpt: Buffer[] | null = null;
  excerptBytes = 0;
  /** Whole body of an accepted response, kept only when checkBody is set (chunks dropped past the cap). */
  body: Buffer[] | null = null;
  /** Bytes received for `body`, counted on past the cap. */
  bodyBytes = 0;

  constructor(
    private readonly run: LoadRun,
    readonly index: number,
    readonly slot: number,
    readonly sentAtMs: number,
  ) {}

  onConnect(abort: (error: Error) => void): void {
    this.abort = abort;
    // Timed out or cancelled while still waiting for a socket: abort now.
    if (this.done) abort(new Error('request already settled by the load test (timeout or stop)'));
  }

  onHeaders(statusCode: number, rawHeaders: Buffer[]): boolean {
    this.status = statusCode;
    this.run.answerStarted(this, rawHeaders);
    return true;
  }

  onData(chunk: Buffer): boolean {
    if (this.body !== null) {
      this.bodyBytes += chunk.length;
      // Past the cap the verdict is known ("body over 1 MiB"): drop what was kept, keep counting.
      if (this.bodyBytes <= MAX_CHECKED_BODY_BYTES) this.body.push(chunk);
      else if (this.body.length > 0) this.body = [];
    } else if (this.excerpt !== null && this.excerptBytes < BODY_EXCERPT_BYTES) {
      this.excerpt.push(chunk);
      this.excerptBytes += chunk.length;
    }
    return true;
  }

  onComplete(): void {
    this.run.finishRequest(this, null);
  }

  onError(error: Error): void {
    this.run.finishRequest(this, error);
  }
}

class LoadRun {
  private readonly store: SampleStore;
  private readonly scheduler: Scheduler;
  /**
   * One Client per slot rather than a Pool: a Pool scans its clients for a free one on
   * every dispatch (about 1.3 us here), while a free slot already names an idle connection.
   */
  private readonly clients: Client[];
  private readonly signer: BodySigner;
  /** The bytes of request `index`: the default payload skips the object and JSON.stringify. */
  private readonly encodeBody: (index: number, ticketId: number) => Buffer;
  /** Static header pairs; each request appends only its signature. */
  private readonly baseHeaders: string[];
  private readonly signatureHeader: string;
  /** In-flight handlers by slot; free slot numbers on a stack. */
  private readonly slots: (RequestHandler | undefined)[];
  private readonly freeSlots: number[];
  private inFlight = 0;
  private succeeded = 0;
  private failed = 0;
  private readonly errors: ErrorRecord[] = [];
  /** Kept response headers by request index; only filled when captureHeaders is set. */
  private readonly captured = new Map<number, Record<string, string>>();
  private readonly capturing: boolean;
  private errorDetailsClaimed = 0;
  private readonly warnings: string[] = [];
  /** Set when the checkBody option is: accepted bodies are then buffered and judged. */
  private readonly checksBodies: boolean;
  private checkBodyThrew = false;
  /** Corrected latencies completed since the last progress snapshot (only when progress is on). */
  private progressWindow: number[] | null;
  /** When the last progress snapshot was made (ms since the start). */
  private lastSnapshotMs = 0;
  private t0 = 0;
  /** The generator's CPU and event loop, read at the start and the end only (no per-request cost). */
  private readonly meter = new ResourceMeter();
  private startedAt = '';
  private lateStartMs = 0;
  /** The wait for a shared start (startAt); undefined once the schedule has begun. */
  private startTimer: NodeJS.Timeout | undefined;
  private began = false;
  private allSent = false;
  private stopping = false;
  private finished = false;
  private endReason: EndReason = 'completed';
  private timeoutTimer: NodeJS.Timeout | undefined;
  private maxDurationTimer: NodeJS.Timeout | undefined;
  private progressTimer: NodeJS.Timeout | undefined;
  private resolveRun: ((results: LoadTestResults) => void) | undefined;

  constructor(private readonly o: ResolvedOptions) {
    this.store =
      o.segment === null
        ? new SampleStore(o.totalRequests, o.ticketIdStart)
        : new SampleStore(o.totalRequests, o.ticketIdStart, o.segment.index - 1, o.segment.count);
    this.signer = new BodySigner(o.secret);
    const factory = o.payload;
    this.encodeBody = factory === flatPayload ? encodeFlatPayload : (index, ticketId) => encodePayload(factory(index, ticketId));
    this.baseHeaders = Object.entries(o.headers).flat();
    this.signatureHeader = o.signatureHeader.toLowerCase();
    this.capturing = o.captureHeaders.length > 0;
    this.checksBodies = o.checkBody !== null;
    this.slots = new Array<RequestHandler | undefined>(o.concurrency).fill(undefined);
    this.freeSlots = Array.from({ length: o.concurrency }, (_, i) => o.concurrency - 1 - i);
    this.progressWindow = o.progress ? [] : null;
    this.clients = Array.from(
      { length: o.concurrency },
      () =>
        new Client(o.origin, {
          pipelining: 1,
          connectTimeout: o.timeoutMs,
          // No undici request timers: the engine enforces timeoutMs from the send for every
          // request in a slot and aborts it (which destroys its socket); a request still
          // waiting for its connection is covered by connectTimeout. Undici would otherwise
          // swap a headers timer and a keep-alive timer on every request (about 0.8 us).
          headersTimeout: 0,
          bodyTimeout: 0,
        }),
    );
    this.scheduler = new Scheduler(o.schedule, this, this.onAllSent);
  }

  run(): Promise<LoadTestResults> {
    return new Promise<LoadTestResults>((resolve) => {
      this.resolveRun = resolve;
      const { signal, maxDurationMs, startAt } = this.o;
      // With a shared start the clock's zero is that wall-clock instant: now() is negative until then.
      const wallNow = Date.now();
      const perfNow = performance.now();
      this.t0 = startAt === null ? perfNow : perfNow + (startAt - wallNow);
      this.startedAt = new Date(startAt ?? wallNow).toISOString();
      const waitMs = Math.max(0, this.t0 - perfNow);
      if (startAt !== null && wallNow - startAt > LATE_START_WARNING_MS) {
        this.lateStartMs = wallNow - startAt;
        this.warnings.push(
          `The run began ${wallNow - startAt} ms after its shared start (startAt ${this.startedAt}): the requests due before then ` +
            'were sent at once, late; their latency counts from their intended time. Fix the start further ahead of every segment.',
        );
      }
      if (signal !== null) {
        if (signal.aborted) {
          this.meter.start(); // a run stopped before it began still carries (empty) figures
          this.began = true;
          this.stop('aborted');
          return;
        }
        signal.addEventListener('abort', this.onAbort, { once: true });
      }
      if (maxDurationMs !== null) this.maxDurationTimer = setTimeout(this.onMaxDuration, waitMs + maxDurationMs);
      if (waitMs > 0) this.startTimer = setTimeout(this.begin, waitMs);
      else this.begin();
    });
  }

  /** The schedule begins: the resources are measured and progress is reported from here. */
  private readonly begin = (): void => {
    this.startTimer = undefined;
    this.began = true;
    this.meter.start();
    if (this.progressWindow !== null) this.progressTimer = setInterval(this.reportProgress, this.o.progressIntervalMs);
    this.scheduler.start();
  };

  // --- SendHooks (called by the scheduler) ---

  now(): number {
    return performance.now() - this.t0;
  }

  hasCapacity(): boolean {
    return this.inFlight < this.o.concurrency;
  }

  send(index: number, intendedMs: number): void {
    const planIndex = this.store.planIndex(index);
    const ticketId = this.o.ticketIdStart + planIndex;
    let body: Buffer;
    let signature: string;
    try {
      body = this.encodeBody(planIndex, ticketId);
      signature = this.signer.sign(body);
    } catch (error) {
      const at = this.now();
      this.store.recordSend(index, intendedMs, at);
      this.recordFailure(index, at, 0, ErrorCode.other, `payload factory failed: ${describeError(error)}`);
      return;
    }
    const slot = this.freeSlots.pop() as number;
    const sentAt = this.now();
    this.store.recordSend(index, intendedMs, sentAt);
    const handler = new RequestHandler(this, index, slot, sentAt);
    this.slots[slot] = handler;
    this.inFlight++;
    // A spread is about 100 ns cheaper than concat here (V8 fast path for packed arrays).
    const headers = [...this.baseHeaders, this.signatureHeader, signature];
    try {
      (this.clients[slot] as Client).dispatch({ path: this.o.path, method: 'POST', headers, body }, handler);
    } catch (error) {
      this.finishRequest(handler, error);
      return;
    }
    if (this.timeoutTimer === undefined && !handler.done) this.armTimeoutCheck(sentAt + this.o.timeoutMs);
  }

  // --- outcomes ---

  /** A response began (called by its handler): capture headers, judge the status, choose what of the body to keep. */
  answerStarted(handler: RequestHandler, rawHeaders: Buffer[]): void {
    if (this.capturing) this.captureHeaders(handler.index, rawHeaders);
    handler.success = this.isSuccess(handler.status);
    if (handler.success) {
      if (this.checksBodies) handler.body = [];
    } else if (this.wantsErrorDetail()) handler.excerpt = [];
  }

  private isSuccess(status: number): boolean {
    try {
      return this.o.isSuccess(status) === true;
    } catch (error) {
      this.warnOnce(`isSuccess threw for status ${status} (${describeError(error)}); such responses count as failures.`);
      return false;
    }
  }

  /** Keeps the captureHeaders names from raw [name, value, ...] pairs; a repeated header's values joined by ", ". */
  private captureHeaders(index: number, rawHeaders: Buffer[]): void {
    const names = rawHeaders.map((field, i) => (i % 2 === 0 ? field.toString('latin1').toLowerCase() : ''));
    let kept: Record<string, string> | undefined;
    for (const name of this.o.captureHeaders) {
      const values: string[] = [];
      for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
        if (names[i] === name) values.push((rawHeaders[i + 1] as Buffer).toString('latin1'));
      }
      if (values.length === 0) continue;
      kept ??= {};
      kept[name] = values.join(', ');
    }
    if (kept !== undefined) this.captured.set(index, kept);
  }

  /** Claims one of the few detailed error records (so only early failures buffer a body excerpt). */
  private wantsErrorDetail(): boolean {
    if (this.errorDetailsClaimed >= ERROR_DETAILS) return false;
    this.errorDetailsClaimed++;
    return true;
  }

  /**
   * undici settled the request (called by its handler, or when dispatch threw): a complete
   * response when `error` is null, else a failure of undici or Node, classified here.
   */
  finishRequest(handler: RequestHandler, error: unknown): void {
    if (handler.done) return;
    const end = this.release(handler);
    if (error === null) this.recordAnswer(handler, end);
    else this.recordFailure(handler.index, end, 0, classifyError(error), describeError(error));
    this.settled(handler, end);
  }

  /** The engine gives up on a request in flight (timeout, stop): records `code` and aborts it in undici. */
  private cancelRequest(handler: RequestHandler, code: ErrorCode, message: string): void {
    const end = this.release(handler);
    this.recordFailure(handler.index, end, 0, code, message);
    this.settled(handler, end);
    handler.abort?.(new Error(message));
  }

  /** Marks the request done and frees its slot before its outcome is recorded; returns the end time. */
  private release(handler: RequestHandler): number {
    handler.done = true;
    const end = this.now();
    this.slots[handler.slot] = undefined;
    this.freeSlots.push(handler.slot);
    this.inFlight--;
    return end;
  }

  /** Records a complete response: a success, an HTTP failure, or (with checkBody) a bad body. */
  private recordAnswer(handler: RequestHandler, end: number): void {
    const { index, status } = handler;
    if (!handler.success) {
      const excerpt = handler.excerpt === null ? '' : Buffer.concat(handler.excerpt).toString('utf8', 0, BODY_EXCERPT_BYTES);
      this.recordFailure(index, end, status, ErrorCode.http, `HTTP ${status}${excerpt === '' ? '' : `: ${excerpt}`}`, true);
      return;
    }
    // handler.body is null unless checkBody is set: then the accepted status must also carry a good body.
    const badBody = handler.body === null ? null : this.judgeBody(handler.body, handler.bodyBytes, status);
    if (badBody === null) {
      this.store.recordEnd(index, end, status, ErrorCode.none);
      this.succeeded++;
    } else {
      this.recordFailure(index, end, status, ErrorCode.badBody, `HTTP ${status}, bad body: ${badBody}`);
    }
  }

  /** After the outcome is recorded: feeds progress, and lets the schedule or the end go on. */
  private settled(handler: RequestHandler, end: number): void {
    if (this.progressWindow !== null && this.store.hasLatency(handler.index)) {
      this.progressWindow.push(end - (this.store.intendedMs[handler.index] as number));
    }
    this.scheduler.slotFreed();
    this.maybeFinish();
  }

  /** The checkBody verdict on an accepted response's body: null when fine, else the reason. */
  private judgeBody(chunks: Buffer[], bytes: number, status: number): string | null {
    if (bytes > MAX_CHECKED_BODY_BYTES) return 'body over 1 MiB';
    const body = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, bytes);
    let verdict: unknown;
    try {
      verdict = (this.o.checkBody as BodyCheck)(body, status);
    } catch (error) {
      if (!this.checkBodyThrew) {
        this.checkBodyThrew = true;
        this.warnings.push(`checkBody threw (first: ${describeError(error)}); such responses count as bad_body failures.`);
      }
      return `checkBody threw: ${describeError(error)}`.slice(0, BAD_BODY_REASON_CHARS);
    }
    if (verdict === null || verdict === undefined) return null;
    if (typeof verdict !== 'string') return `checkBody returned a ${typeof verdict}, not null or a reason string`;
    return verdict === '' ? 'rejected (checkBody gave no reason)' : verdict.slice(0, BAD_BODY_REASON_CHARS);
  }

  /** `status` is 0 when no response arrived; HTTP and bad-body failures keep theirs. */
  private recordFailure(index: number, at: number, status: number, code: ErrorCode, message: string, claimed = false): void {
    this.store.recordEnd(index, at, status, code);
    this.failed++;
    if (this.errors.length < ERROR_DETAILS) {
      if (!claimed) this.errorDetailsClaimed++;
      this.errors.push({
        index,
        ticketId: this.o.ticketIdStart + this.store.planIndex(index),
        errorClass: errorClassName(code, status) ?? 'other',
        status,
        message: message.replace(/\s+/g, ' ').trim(),
        atMs: at,
      });
    }
  }

  // --- timeouts: one timer for the oldest in-flight request's deadline ---

  private armTimeoutCheck(deadlineMs: number): void {
    this.timeoutTimer = setTimeout(this.checkTimeouts, Math.max(0, deadlineMs - this.now()));
  }

  private readonly checkTimeouts = (): void => {
    this.timeoutTimer = undefined;
    const now = this.now();
    const { timeoutMs } = this.o;
    let nextDeadline = Number.POSITIVE_INFINITY;
    for (const handler of this.slots) {
      if (handler === undefined) continue;
      const deadline = handler.sentAtMs + timeoutMs;
      if (deadline <= now) {
        this.cancelRequest(handler, ErrorCode.timeout, `no complete response within timeoutMs=${timeoutMs} ms`);
      } else if (deadline < nextDeadline) {
        nextDeadline = deadline;
      }
    }
    if (!this.finished && nextDeadline !== Number.POSITIVE_INFINITY) this.armTimeoutCheck(nextDeadline);
  };

  // --- ending the run ---

  private readonly onAllSent = (): void => {
    this.allSent = true;
    this.maybeFinish();
  };

  private readonly onAbort = (): void => this.stop('aborted');
  private readonly onMaxDuration = (): void => this.stop('max_duration');

  /** Stops sending, cancels what is in flight (recorded as `aborted`) and finishes. */
  private stop(reason: Exclude<EndReason, 'completed'>): void {
    if (this.stopping || this.finished) return;
    this.stopping = true;
    this.endReason = reason;
    this.scheduler.stop();
    const why = reason === 'max_duration' ? 'maxDurationMs reached' : 'signal aborted';
    const message = `request cancelled: the run stopped (${why}) while it was in flight`;
    for (const handler of this.slots) {
      if (handler !== undefined) this.cancelRequest(handler, ErrorCode.aborted, message);
    }
    this.maybeFinish();
  }

  private maybeFinish(): void {
    if (this.finished || this.inFlight > 0 || !(this.allSent || this.stopping)) return;
    this.finished = true;
    const durationMs = Math.max(0, this.now());
    clearTimeout(this.startTimer);
    const resources = this.began ? this.meter.stop() : undefined;
    this.scheduler.stop();
    clearTimeout(this.timeoutTimer);
    clearTimeout(this.maxDurationTimer);
    clearInterval(this.progressTimer);
    this.o.signal?.removeEventListener('abort', this.onAbort);
    const results = new LoadTestResults(
      {
        url: this.o.url,
        plannedRequests: this.o.totalRequests,
        requestsPerSecond: this.o.requestsPerSecond,
        ...(this.o.segment === null ? {} : { segment: this.o.segment, whole: this.o.whole }),
        ...(this.o.startAt === null ? {} : { startAt: this.o.startAt }),
        ...(this.lateStartMs > 0 ? { lateStartMs: this.lateStartMs } : {}),
        ...(this.o.stages === null ? {} : { stages: this.o.stages.stages }),
        concurrency: this.o.concurrency,
        ticketIdStart: this.o.ticketIdStart,
        startedAt: this.startedAt,
        durationMs,
        endReason: this.endReason,
        slotWaits: this.scheduler.schedule.slotWaits,
        ...(resources === undefined ? {} : { resources }),
      },
      this.store,
      this.errors,
      this.warnings,
      this.captured,
    );
    // Every request is settled from the engine's view; a timed-out or cancelled one may
    // still hold a socket inside undici, so destroy rather than wait for a graceful close.
    const resolve = this.resolveRun as (results: LoadTestResults) => void;
    Promise.allSettled(this.clients.map((client) => client.destroy())).then(() => resolve(results));
  }

  // --- progress ---

  private readonly reportProgress = (): void => {
    const window = this.progressWindow ?? [];
    this.progressWindow = [];
    const elapsedMs = this.now();
    const windowMs = elapsedMs - this.lastSnapshotMs;
    this.lastSnapshotMs = elapsedMs;
    const snapshot: ProgressSnapshot = {
      elapsedMs,
      plannedRequests: this.o.totalRequests,
      sent: this.store.sent,
      completed: this.store.completed,
      inFlight: this.inFlight,
      succeeded: this.succeeded,
      failed: this.failed,
      currentP95Ms: percentile(sortedValues(window), 0.95),
      windowCount: window.length,
      windowMs,
      plannedMs: this.o.plannedMs,
    };
    const { schedule } = this.o;
    const staged = schedule instanceof SegmentSchedule ? schedule.whole : schedule;
    if (staged instanceof StagedSchedule) snapshot.stageIndex = staged.stageAt(snapshot.elapsedMs);
    publishProgress(snapshot);
    if (this.o.onProgress === null) return;
    try {
      this.o.onProgress(snapshot);
    } catch (error) {
      this.warnOnce(`onProgress threw (${describeError(error)}); the run went on.`);
    }
  };

  private warnOnce(message: string): void {
    if (!this.warnings.includes(message)) this.warnings.push(message);
  }
}
