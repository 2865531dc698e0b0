// Load test options: the public type, defaults, and validation that runs
// before any traffic. Every error names the option, the value and the fix.
import type { BodyCheck } from './body-checks.ts';
import { flatPayload, type PayloadFactory } from './payloads.ts';
import { countSchedule, dueTimeMs, type Schedule } from './scheduler.ts';
import { formatSegment, SegmentSchedule, segmentProblem, segmentStages, type SegmentSpec } from './segments.ts';
import { StagedSchedule, type LoadStage, type StagePlan } from './stages.ts';

/** What `onProgress` and the progress channel (PROGRESS_CHANNEL) receive every `progressIntervalMs`. */
export interface ProgressSnapshot {
  /** Monotonic ms since the run started. */
  elapsedMs: number;
  plannedRequests: number;
  sent: number;
  completed: number;
  inFlight: number;
  succeeded: number;
  failed: number;
  /** Corrected P95 of the requests completed since the previous snapshot; NaN when none. */
  currentP95Ms: number;
  /** How many completions `currentP95Ms` covers. */
  windowCount: number;
  /** The span `currentP95Ms` covers: ms since the previous snapshot (or the start). */
  windowMs: number;
  /** How long the schedule runs, ms from the start (the last request's due time). */
  plannedMs: number;
  /** Staged runs only: the index of the stage whose window holds elapsedMs. */
  stageIndex?: number;
}

export interface LoadTestOptions {
  /** Absolute http(s) URL of the webhook endpoint. */
  url: string;
  /** Shared secret for the HMAC-SHA256 signature. */
  secret: string;
  /**
   * Number of requests to send (upper bound; maxDurationMs or signal may stop earlier).
   * Required, unless `stages` is given: a staged run's count is the integral of its rates.
   */
  totalRequests?: number;
  /** Open-model arrival rate; request i is due at start + i / rate. Omit for burst mode (or give stages). */
  requestsPerSecond?: number;
  /**
   * Ramping arrival rates (k6's ramping-arrival-rate): the rate goes linearly from the previous
   * stage's targetRps (the first from startRps) to each stage's over its durationMs. Request i
   * is due where the integral of the rate reaches i; the run sends ceil(integral) requests over
   * the stages' total duration. Excludes totalRequests and requestsPerSecond.
   */
  stages?: LoadStage[];
  /** With stages only: the rate the first stage ramps from, requests per second. Default 0. */
  startRps?: number;
  /**
   * Ticket id of request 0; request i uses ticketIdStart + i. Default: from the clock
   * (defaultTicketIdStart), so two runs in a row never send the same id twice within a
   * service's duplicate window.
   */
  ticketIdStart?: number;
  /** Maximum requests in flight; each slot has its own keep-alive connection. Default min(totalRequests, 256). */
  concurrency?: number;
  /** Per-request limit from send to complete response. Default 30000. */
  timeoutMs?: number;
  /** Hard bound on the whole run; in-flight requests are then cancelled. */
  maxDurationMs?: number;
  /** Aborting it stops the run like maxDurationMs does. */
  signal?: AbortSignal;
  /** Body factory; default flatPayload (the contract's flat shape). */
  payload?: PayloadFactory;
  /** Header carrying the signature. Default 'X-Freshdesk-Signature'. */
  signatureHeader?: string;
  /** Extra request headers (content-type defaults to application/json). */
  headers?: Record<string, string>;
  /** Which statuses count as success. Default status === 200. */
  isSuccess?: (status: number) => boolean;
  /**
   * Judges the body of each response isSuccess accepted: null = fine, else a short reason,
   * and the request is a `bad_body` failure (status kept). E.g. jsonObjectBody (body-checks.ts).
   * Bodies are buffered only when this is set, up to MAX_CHECKED_BODY_BYTES (a larger one fails
   * as "body over 1 MiB"). A check that throws fails the request, never the run. Default none.
   */
  checkBody?: BodyCheck;
  /**
   * Response headers to keep, e.g. ['retry-after'] to check a rate limiter's answers;
   * read back with results.capturedHeaders. Default none (nothing kept per request).
   */
  captureHeaders?: string[];
  /** Called with every progress snapshot; when given, snapshots are always made. */
  onProgress?: (snapshot: ProgressSnapshot) => void;
  /**
   * Send only segment `index` (1-based) of `count` of the plan: the plan's requests k with
   * k mod count = index - 1, at their due times in the whole plan (segments.ts). Run the other
   * segments elsewhere with the same plan, ticketIdStart and startAt; their union is the plan.
   */
  segment?: SegmentSpec;
  /**
   * The schedule's start as epoch milliseconds (Date.now()), shared by the segments of one plan.
   * The run waits for it; started late, it sends what is already due at once, with latency from
   * each request's intended time. Default: now. At most an hour ahead.
   */
  startAt?: number;
  /** Default 5000. */
  progressIntervalMs?: number;
  /**
   * Progress snapshots every progressIntervalMs when no onProgress is given, published on the
   * progress channel (the engine never prints; see subscribeProgress): true always, false
   * never, undefined (default) only when the planned run is longer than 10 s.
   */
  progress?: boolean;
}

/** Options after validation, with defaults filled in. */
export interface ResolvedOptions {
  url: string;
  origin: string;
  path: string;
  secret: string;
  /** Requests this run sends: the option, or the integral of the stages (a segment's share of them). */
  totalRequests: number;
  /** null = burst mode, or a staged run. A segment's share of the rate (the plan's rate / count). */
  requestsPerSecond: number | null;
  /** The segment this run sends, or null for the whole plan. */
  segment: SegmentSpec | null;
  /** The whole plan: its request count and rate (the same as above without a segment). */
  whole: { totalRequests: number; requestsPerSecond: number | null };
  /** The shared start, epoch ms; null = when the run is called. */
  startAt: number | null;
  /** The stages' plan (windows and per-stage counts); null for a count-bounded run. */
  stages: StagePlan | null;
  /** When each request is due. */
  schedule: Schedule;
  ticketIdStart: number;
  concurrency: number;
  timeoutMs: number;
  maxDurationMs: number | null;
  signal: AbortSignal | null;
  payload: PayloadFactory;
  signatureHeader: string;
  /** Lower-cased names; content-type always present. */
  headers: Record<string, string>;
  isSuccess: (status: number) => boolean;
  /** null = bodies are not read, only drained. */
  checkBody: BodyCheck | null;
  /** Lower-cased names; empty = capture nothing. */
  captureHeaders: string[];
  onProgress: ((snapshot: ProgressSnapshot) => void) | null;
  progressIntervalMs: number;
  /** When the schedule's last request is due, ms from the start. */
  plannedMs: number;
  /** Emit progress snapshots (resolved from `progress`, onProgress and the planned duration). */
  progress: boolean;
}

export const DEFAULTS = {
  maxDefaultConcurrency: 256,
  timeoutMs: 30_000,
  signatureHeader: 'X-Freshdesk-Signature',
  progressIntervalMs: 5000,
  /** Runs planned longer than this emit progress snapshots by default. */
  progressAfterMs: 10_000,
} as const;

/** Samples are preallocated, so the count is capped (27 bytes each: 270 MB at the cap). */
export const MAX_TOTAL_REQUESTS = 10_000_000;
export const MAX_CONCURRENCY = 10_000;
/** Most stages in one run. */
export const MAX_STAGES = 1000;
/** Longest total duration of a run's stages: 24 hours. */
export const MAX_STAGES_DURATION_MS = 24 * 3600 * 1000;
/** checkBody sees at most this much of a body; a larger one is a bad_body without a call. */
export const MAX_CHECKED_BODY_BYTES = 1024 * 1024;

export class LoadTestOptionError extends Error {
  override readonly name = 'LoadTestOptionError';
  constructor(
    readonly option: string,
    readonly value: unknown,
    expected: string,
  ) {
    super(`runLoadTest: invalid option "${option}": got ${show(value)}; expected ${expected}`);
  }
}

const KNOWN_OPTIONS = new Set<string>([
  'url',
  'secret',
  'totalRequests',
  'requestsPerSecond',
  'stages',
  'startRps',
  'ticketIdStart',
  'concurrency',
  'timeoutMs',
  'maxDurationMs',
  'signal',
  'payload',
  'signatureHeader',
  'headers',
  'isSuccess',
  'checkBody',
  'captureHeaders',
  'onProgress',
  'progressIntervalMs',
  'progress',
  'segment',
  'startAt',
]);

// RFC 9110 token characters, for header names.
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
// Header values may not contain CR, LF or NUL.
const BAD_HEADER_VALUE = /[\r\n\0]/;
// Headers the engine computes from the body; letting callers set them would corrupt requests.
const RESERVED_HEADERS = new Set(['content-length', 'transfer-encoding', 'host', 'connection']);

function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'number' || typeof value === 'boolean' || value === undefined || value === null) return String(value);
  if (Array.isArray(value)) {
    let json: string | undefined;
    try {
      json = JSON.stringify(value);
    } catch {
      json = undefined;
    }
    return json !== undefined && json.length <= 160 ? json : `an array of ${value.length}`;
  }
  try {
    return JSON.stringify(value) ?? typeof value;
  } catch {
    return typeof value;
  }
}

function isPositiveInteger(value: unknown, max: number): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 1 && value <= max;
}

function isPositiveFinite(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0;
}

function optionalFunction<T>(options: Record<string, unknown>, name: string, expected = 'a function'): T | null {
  const value = options[name];
  if (value === undefined) return null;
  if (typeof value !== 'function') throw new LoadTestOptionError(name, value, `${expected}, or omit it`);
  return value as T;
}

function resolveUrl(value: unknown): { url: string; origin: string; path: string } {
  const example = 'an absolute http:// or https:// URL such as "http://127.0.0.1:8801/webhook/freshdesk"';
  if (typeof value !== 'string' || value.trim() === '') throw new LoadTestOptionError('url', value, example);
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw new LoadTestOptionError('url', value, example);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new LoadTestOptionError('url', value, example);
  if (parsed.username !== '' || parsed.password !== '') {
    throw new LoadTestOptionError('url', value, 'a URL without credentials (user:password@)');
  }
  return { url: parsed.href, origin: parsed.origin, path: `${parsed.pathname}${parsed.search}` };
}

function resolveHeaders(value: unknown, signatureHeader: string): Record<string, string> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (value === undefined) return headers;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new LoadTestOptionError('headers', value, 'an object of header name to string value, e.g. { "x-trace": "1" }');
  }
  for (const [name, headerValue] of Object.entries(value)) {
    const lower = name.toLowerCase();
    if (!HEADER_NAME.test(name)) {
      throw new LoadTestOptionError(`headers.${name}`, name, 'a header name made of token characters (letters, digits, -)');
    }
    if (RESERVED_HEADERS.has(lower) || lower === signatureHeader.toLowerCase()) {
      throw new LoadTestOptionError(
        `headers.${name}`,
        headerValue,
        `no value: ${name} is computed by the engine for every request (use signatureHeader to rename the signature header)`,
      );
    }
    if (typeof headerValue !== 'string' || BAD_HEADER_VALUE.test(headerValue)) {
      throw new LoadTestOptionError(`headers.${name}`, headerValue, 'a string without CR, LF or NUL');
    }
    headers[lower] = headerValue;
  }
  return headers;
}

/** Checks every option and fills defaults; throws LoadTestOptionError on the first bad one. */
export function validateOptions(input: LoadTestOptions): ResolvedOptions {
  if (typeof input !== 'object' || input === null) {
    throw new LoadTestOptionError('options', input, 'an object such as { url, secret, totalRequests }');
  }
  const options = input as unknown as Record<string, unknown>;
  for (const key of Object.keys(options)) {
    if (!KNOWN_OPTIONS.has(key)) {
      throw new LoadTestOptionError(key, options[key], `no such option; known options are ${[...KNOWN_OPTIONS].join(', ')}`);
    }
  }

  const { url, origin, path } = resolveUrl(options.url);

  const secret = options.secret;
  if (typeof secret !== 'string' || secret.length === 0) {
    throw new LoadTestOptionError('secret', secret, 'a non-empty string (the WEBHOOK_SECRET the service verifies with)');
  }

  const whole = resolvePlan(options);
  const segment = resolveSegment(options.segment);
  const { totalRequests, rate, stages, schedule, plannedMs } = segment === null ? whole : segmentPlan(whole, segment);
  const startAt = resolveStartAt(options.startAt, plannedMs);

  const ticketIdStart = options.ticketIdStart ?? defaultTicketIdStart();
  if (
    typeof ticketIdStart !== 'number' ||
    !Number.isSafeInteger(ticketIdStart) ||
    ticketIdStart < 0 ||
    !Number.isSafeInteger(ticketIdStart + whole.totalRequests)
  ) {
    throw new LoadTestOptionError('ticketIdStart', ticketIdStart, 'an integer >= 0 with ticketIdStart + totalRequests a safe integer');
  }

  const concurrency = options.concurrency ?? Math.min(totalRequests, DEFAULTS.maxDefaultConcurrency);
  if (!isPositiveInteger(concurrency, MAX_CONCURRENCY)) {
    throw new LoadTestOptionError('concurrency', concurrency, `a positive integer up to ${MAX_CONCURRENCY} (requests in flight)`);
  }

  const timeoutMs = options.timeoutMs ?? DEFAULTS.timeoutMs;
  if (!isPositiveFinite(timeoutMs)) {
    throw new LoadTestOptionError('timeoutMs', timeoutMs, 'a finite number of milliseconds > 0');
  }

  const maxDurationMs = options.maxDurationMs ?? null;
  if (maxDurationMs !== null && !isPositiveFinite(maxDurationMs)) {
    throw new LoadTestOptionError('maxDurationMs', maxDurationMs, 'a finite number of milliseconds > 0, or omit it');
  }

  const signal = options.signal ?? null;
  if (signal !== null && !(signal instanceof AbortSignal)) {
    throw new LoadTestOptionError('signal', signal, 'an AbortSignal (e.g. AbortSignal.timeout(60_000)), or omit it');
  }

  const payload = optionalFunction<PayloadFactory>(options, 'payload') ?? flatPayload;

  const signatureHeader = options.signatureHeader ?? DEFAULTS.signatureHeader;
  if (typeof signatureHeader !== 'string' || !HEADER_NAME.test(signatureHeader)) {
    throw new LoadTestOptionError('signatureHeader', signatureHeader, 'a header name such as "X-Freshdesk-Signature"');
  }

  const headers = resolveHeaders(options.headers, signatureHeader);
  const isSuccess = optionalFunction<(status: number) => boolean>(options, 'isSuccess') ?? defaultIsSuccess;
  const checkBody = optionalFunction<BodyCheck>(
    options,
    'checkBody',
    'a function (body, status) => null or a reason string, e.g. jsonObjectBody from tests/helpers',
  );
  const onProgress = optionalFunction<(snapshot: ProgressSnapshot) => void>(options, 'onProgress');

  const captureHeaders = options.captureHeaders ?? [];
  if (!Array.isArray(captureHeaders) || captureHeaders.some((name) => typeof name !== 'string' || !HEADER_NAME.test(name))) {
    throw new LoadTestOptionError('captureHeaders', captureHeaders, 'an array of response header names, e.g. ["retry-after"]');
  }

  const progressIntervalMs = options.progressIntervalMs ?? DEFAULTS.progressIntervalMs;
  if (!isPositiveFinite(progressIntervalMs) || progressIntervalMs < 10) {
    throw new LoadTestOptionError('progressIntervalMs', progressIntervalMs, 'a finite number of milliseconds >= 10');
  }

  const progress = options.progress;
  if (progress !== undefined && typeof progress !== 'boolean') {
    throw new LoadTestOptionError('progress', progress, 'true, false, or omit it (automatic)');
  }
  const emitsProgress = onProgress !== null || (progress ?? plannedMs > DEFAULTS.progressAfterMs);

  return {
    url,
    origin,
    path,
    secret,
    totalRequests,
    requestsPerSecond: rate,
    segment,
    whole: { totalRequests: whole.totalRequests, requestsPerSecond: whole.rate },
    startAt,
    stages,
    schedule,
    ticketIdStart,
    concurrency,
    timeoutMs,
    maxDurationMs,
    signal,
    payload,
    signatureHeader,
    headers,
    isSuccess,
    checkBody,
    captureHeaders: captureHeaders.map((name: string) => name.toLowerCase()),
    onProgress,
    progressIntervalMs,
    plannedMs,
    progress: emitsProgress,
  };
}

/**
 * A first ticket id from the clock: 1000 ids per millisecond, so a run that starts after
 * another ended never reuses its ids unless that one sent over a million a second.
 * Cycles every 31 years, below 2^53 with room for MAX_TOTAL_REQUESTS.
 */
export function defaultTicketIdStart(nowMs = Date.now()): number {
  return (nowMs % 1e12) * 1000;
}

function defaultIsSuccess(status: number): boolean {
  return status === 200;
}

/**
 * The planned duration in ms from the start: for a count-bounded run, when its last request is
 * due (0 in burst mode); for stages, the sum of their durations (the last request is due at or
 * before it).
 */
export function plannedDurationMs(totalRequests: number, requestsPerSecond: number | null): number;
export function plannedDurationMs(stages: readonly LoadStage[]): number;
export function plannedDurationMs(plan: number | readonly LoadStage[], requestsPerSecond: number | null = null): number {
  if (typeof plan !== 'number') return plan.reduce((sum, stage) => sum + stage.durationMs, 0);
  return dueTimeMs(plan - 1, requestsPerSecond);
}

/** Longest wait for a shared start. */
export const MAX_START_AHEAD_MS = 3600_000;
/** Latest a run may begin after its shared start (it then sends what is due at once). */
export const MAX_START_LATE_MS = 60_000;

function resolveSegment(value: unknown): SegmentSpec | null {
  if (value === undefined) return null;
  const expected = 'an object { index, count } with 1 <= index <= count, e.g. { index: 2, count: 4 } (segment 2 of 4), or omit it';
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new LoadTestOptionError('segment', value, expected);
  const { index, count, ...rest } = value as Record<string, unknown>;
  if (Object.keys(rest).length > 0 || typeof index !== 'number' || typeof count !== 'number') {
    throw new LoadTestOptionError('segment', value, expected);
  }
  const problem = segmentProblem({ index, count });
  if (problem !== null) throw new LoadTestOptionError('segment', value, `${expected}: ${problem}`);
  return { index, count };
}

/** One segment's part of the whole plan: its requests, its share of the rate, its stages, when its last request is due. */
function segmentPlan(whole: Plan, segment: SegmentSpec): Plan {
  const schedule = new SegmentSchedule(whole.schedule, segment);
  if (schedule.count === 0) {
    throw new LoadTestOptionError(
      'segment',
      segment,
      `a segment with requests: the plan has ${whole.totalRequests}, fewer than the ${segment.count} segments, so ` +
        `segment ${formatSegment(segment)} would send none; split it into at most ${whole.totalRequests}`,
    );
  }
  const stages =
    whole.stages === null
      ? null
      : { ...whole.stages, count: schedule.count, stages: segmentStages(whole.stages.stages, segment, whole.schedule) };
  return {
    totalRequests: schedule.count,
    rate: whole.rate === null ? null : whole.rate / segment.count,
    stages,
    schedule,
    plannedMs: whole.stages === null ? schedule.dueTimeMs(schedule.count - 1) : whole.plannedMs,
  };
}

/** Below this, a start is epoch seconds given for milliseconds (1e11 ms is in 1973; 1e11 s in the year 5138). */
const EPOCH_SECONDS_BELOW = 1e11;

function resolveStartAt(value: unknown, plannedMs: number, nowMs = Date.now()): number | null {
  if (value === undefined) return null;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
    throw new LoadTestOptionError('startAt', value, 'a whole number of epoch milliseconds (Date.now() + 30_000: in 30 s), or omit it');
  }
  if (value < EPOCH_SECONDS_BELOW) {
    throw new LoadTestOptionError(
      'startAt',
      value,
      `epoch milliseconds; ${value} reads as epoch seconds (${new Date(value * 1000).toISOString()}): multiply it by 1000`,
    );
  }
  if (value - nowMs > MAX_START_AHEAD_MS) {
    throw new LoadTestOptionError(
      'startAt',
      value,
      `a start at most an hour ahead; this one is ${((value - nowMs) / 60_000).toFixed(1)} min ahead (a value in seconds, not ms?)`,
    );
  }
  if (nowMs - value > MAX_START_LATE_MS) {
    throw new LoadTestOptionError(
      'startAt',
      value,
      `a start less than ${MAX_START_LATE_MS / 1000} s ago; it was ${((nowMs - value) / 1000).toFixed(1)} s ago ` +
        `(${new Date(value).toISOString()}), so this segment would send ${plannedMs > 0 ? 'its schedule late, in a catch-up burst' : 'late'}: ` +
        'fix a start further ahead, so every segment is up before it',
    );
  }
  return value;
}

interface Plan {
  totalRequests: number;
  rate: number | null;
  stages: StagePlan | null;
  schedule: Schedule;
  plannedMs: number;
}

/** totalRequests and requestsPerSecond, or stages and startRps: checked, and made a Schedule. */
function resolvePlan(options: Record<string, unknown>): Plan {
  if (options.stages !== undefined) return resolveStages(options);
  if (options.startRps !== undefined) {
    throw new LoadTestOptionError(
      'startRps',
      options.startRps,
      'no startRps without stages (it is the rate the first stage ramps from): drop it, or give stages',
    );
  }
  const totalRequests = options.totalRequests;
  if (!isPositiveInteger(totalRequests, MAX_TOTAL_REQUESTS)) {
    throw new LoadTestOptionError(
      'totalRequests',
      totalRequests,
      `a positive integer up to ${MAX_TOTAL_REQUESTS} (or stages instead, for ramping rates over a duration)`,
    );
  }
  const rate = options.requestsPerSecond;
  if (rate !== undefined && !isPositiveFinite(rate)) {
    throw new LoadTestOptionError(
      'requestsPerSecond',
      rate,
      'a finite number > 0 (e.g. 100 / 60 for 100 requests per minute), or omit it for burst mode',
    );
  }
  const requestsPerSecond = rate ?? null;
  return {
    totalRequests,
    rate: requestsPerSecond,
    stages: null,
    schedule: countSchedule(totalRequests, requestsPerSecond),
    plannedMs: plannedDurationMs(totalRequests, requestsPerSecond),
  };
}

const STAGE_FIELDS = new Set(['durationMs', 'targetRps']);
const STAGE_EXAMPLE = '[{ durationMs: 60_000, targetRps: 50 }, { durationMs: 120_000, targetRps: 50 }]';

function resolveStages(options: Record<string, unknown>): Plan {
  if (options.requestsPerSecond !== undefined) {
    throw new LoadTestOptionError(
      'requestsPerSecond',
      options.requestsPerSecond,
      'no requestsPerSecond with stages (the stages set the rate over time): drop requestsPerSecond, or drop stages for one constant rate',
    );
  }
  const stages = options.stages;
  if (!Array.isArray(stages) || stages.length === 0) {
    throw new LoadTestOptionError('stages', stages, `a non-empty array of { durationMs, targetRps }, e.g. ${STAGE_EXAMPLE}`);
  }
  if (stages.length > MAX_STAGES) {
    throw new LoadTestOptionError('stages', stages, `at most ${MAX_STAGES} stages (join consecutive stages of the same slope)`);
  }
  stages.forEach((stage: unknown, i) => {
    const name = `stages[${i}]`;
    if (typeof stage !== 'object' || stage === null || Array.isArray(stage)) {
      throw new LoadTestOptionError(name, stage, 'an object { durationMs, targetRps }, e.g. { durationMs: 60_000, targetRps: 50 }');
    }
    const fields = stage as Record<string, unknown>;
    for (const key of Object.keys(fields)) {
      if (!STAGE_FIELDS.has(key)) {
        throw new LoadTestOptionError(`${name}.${key}`, fields[key], 'no such field; a stage is { durationMs, targetRps }');
      }
    }
    if (!isPositiveFinite(fields.durationMs)) {
      throw new LoadTestOptionError(`${name}.durationMs`, fields.durationMs, "a finite number of milliseconds > 0 (the stage's length)");
    }
    const target = fields.targetRps;
    if (typeof target !== 'number' || !Number.isFinite(target) || target < 0) {
      throw new LoadTestOptionError(
        `${name}.targetRps`,
        target,
        'a finite number >= 0 of requests per second (the rate at the end of the stage; 0 for a pause or a ramp down to none)',
      );
    }
  });
  const startRps = options.startRps ?? 0;
  if (typeof startRps !== 'number' || !Number.isFinite(startRps) || startRps < 0) {
    throw new LoadTestOptionError(
      'startRps',
      startRps,
      'a finite number >= 0 of requests per second (the rate the first stage ramps from), or omit it for 0',
    );
  }
  const valid = stages as LoadStage[];
  const durationMs = plannedDurationMs(valid);
  if (durationMs > MAX_STAGES_DURATION_MS) {
    throw new LoadTestOptionError(
      'stages',
      stages,
      `stages lasting at most ${MAX_STAGES_DURATION_MS} ms (24 h) in all; these last ${durationMs} ms: shorten them`,
    );
  }
  const schedule = new StagedSchedule(valid, startRps);
  const { count } = schedule.plan;
  if (count > MAX_TOTAL_REQUESTS) {
    throw new LoadTestOptionError(
      'stages',
      stages,
      `stages whose rates integrate to at most ${MAX_TOTAL_REQUESTS} requests (MAX_TOTAL_REQUESTS); these plan ${count}: ` +
        'shorten the stages or lower their targetRps',
    );
  }
  if (count === 0) {
    throw new LoadTestOptionError('stages', stages, 'stages that plan at least one request (a targetRps, or startRps, above 0)');
  }
  if (options.totalRequests !== undefined) {
    throw new LoadTestOptionError(
      'totalRequests',
      options.totalRequests,
      `no totalRequests with stages (a staged run sends the integral of its rates, ${count} requests here): ` +
        'drop totalRequests, or drop stages for a run bounded by a count',
    );
  }
  return { totalRequests: count, rate: null, stages: schedule.plan, schedule, plannedMs: durationMs };
}
