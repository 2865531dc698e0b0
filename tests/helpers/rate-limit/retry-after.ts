// Retry-After as a rate limiter sends it with its 429 answers: how long it asks a
// client to wait (RFC 9110 §10.2.3), whether the values one phase got are sane for
// the declared policy, and how long a client that honours them waits afterwards.
// Pure: answers and captured headers in, a judgement out.
import { algorithmOf, describePolicy, type RateLimitPolicy } from './policy.ts';

/** Retry-After in seconds (delta-seconds or an HTTP date, RFC 9110 §10.2.3), or NaN when unreadable. */
export function retryAfterSeconds(value: string, nowMs = Date.now()): number {
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  // Every HTTP-date form starts with a day name; Date.parse alone would take "-1" as a year.
  const date = /^[A-Za-z]{3}/.test(trimmed) ? Date.parse(trimmed) : Number.NaN;
  return Number.isNaN(date) ? Number.NaN : Math.max(0, (date - nowMs) / 1000);
}

/** A phase's answers with the headers captured from them (structural: the engine's results fit). */
export interface AnswersWithHeaders {
  samples: readonly { index: number; status: number }[];
  capturedHeaders: ReadonlyMap<number, Readonly<Record<string, string>>>;
}

export interface RetryAfterJudgement {
  /** Answers of 429. */
  refused: number;
  /** Of those, how many carried a Retry-After header, and how many did not. */
  present: number;
  missing: number;
  /** Values that are neither whole seconds nor a date within the policy's window (1 s of slack). */
  insane: string[];
  /** Up to 10 distinct values as sent (a missing header is `undefined`). */
  values: (string | undefined)[];
  /** The readable values, in seconds. */
  seconds: number[];
  /** What fails the rule: insane values, and with `required` a missing header. */
  problems: string[];
  /** A missing header while it is not required: what to recommend instead of failing. */
  advice?: string;
  /** One line for the console. */
  summary: string;
}

/** The window in seconds a Retry-After may ask for at most (none declared: any value is too long). */
const longestSaneS = (policy: RateLimitPolicy | null) => (policy === null ? 0 : policy.windowMs / 1000) + 1;

/**
 * Judges the Retry-After of every 429 of a phase: sane when whole seconds or a date at most the
 * policy's window (plus 1 s) away. `required` (REQUIRE_RETRY_AFTER=true) makes a missing header a
 * failure; otherwise it is a recommendation (RFC 9110).
 */
export function judgeRetryAfter(
  answers: AnswersWithHeaders,
  policy: RateLimitPolicy | null,
  { required = false, nowMs = Date.now() }: { required?: boolean; nowMs?: number } = {},
): RetryAfterJudgement {
  const limited = answers.samples.filter((sample) => sample.status === 429);
  const sent = limited.map((sample) => answers.capturedHeaders.get(sample.index)?.['retry-after']);
  const given = sent.filter((v): v is string => v !== undefined);
  const withinS = policy === null ? Number.POSITIVE_INFINITY : longestSaneS(policy);
  const insane = given.filter((v) => !(retryAfterSeconds(v, nowMs) <= withinS));
  const values = [...new Set(sent)].slice(0, 10);
  const missing = sent.length - given.length;
  const problems: string[] = [];
  if (insane.length > 0) {
    const policyText = policy === null ? 'no policy' : describePolicy(policy);
    problems.push(
      `Retry-After values that are not whole seconds or a date within ${policy !== null && algorithmOf(policy) === 'bucket' ? "the bucket's refill time" : 'the window'} (${policyText}): ${[...new Set(insane)].slice(0, 10).join(', ')}`,
    );
  }
  if (required && missing > 0) {
    problems.push(`429 answers without a Retry-After header (REQUIRE_RETRY_AFTER=true): ${missing} of ${limited.length}`);
  }
  const advice =
    missing > 0 && !required
      ? `${missing} answers of 429 carry no Retry-After header; RFC 9110 recommends one so clients know when to retry (REQUIRE_RETRY_AFTER=true makes this a failure)`
      : undefined;
  return {
    refused: limited.length,
    present: given.length,
    missing,
    insane,
    values,
    seconds: given.map((v) => retryAfterSeconds(v, nowMs)).filter(Number.isFinite),
    problems,
    ...(advice === undefined ? {} : { advice }),
    summary: `Retry-After on ${given.length} of ${limited.length} answers of 429 (values: ${values.map(String).join(', ')})`,
  };
}

/**
 * How long a client that honours Retry-After waits after these phases: the longest value, when
 * every 429 carried one and all are sane for the policy; null when there is nothing to honour.
 */
export function retryAfterWaitS(judgements: readonly RetryAfterJudgement[], policy: RateLimitPolicy | null): number | null {
  const seconds = judgements.flatMap((j) => j.seconds);
  const missing = judgements.reduce((sum, j) => sum + j.missing, 0);
  const sane = missing === 0 && seconds.length > 0 && seconds.every((s) => s <= longestSaneS(policy));
  return sane ? Math.max(...seconds) : null;
}
