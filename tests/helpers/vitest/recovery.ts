// What a spec does after the rate limiter refused it, besides its next load: wait as
// long as the limiter's Retry-After asked, and ask the service's health endpoint how it
// is. Both say what they did in the console and the spec's report.
import { request } from 'undici';
import { judgeRetryAfter, retryAfterWaitS, type RateLimitPolicy } from '../rate-limit/index.ts';
import type { LoadRun } from './load.ts';
import { sleep } from './rate-window.ts';
import type { SpecRecorder } from './recorder.ts';

/**
 * Waits the longest Retry-After that the 429 answers of `runs` (every repetition) carried, when
 * every one carried a sane one (rate-limit/retry-after.ts); noted as `recoveryRetryAfterWaitS`.
 * Retry-After promises one follow-up request, not a whole phase: load() still waits for room.
 * Returns the seconds waited, null when there was nothing to honour.
 */
export async function waitForRetryAfter(
  recorder: SpecRecorder,
  runs: readonly LoadRun[],
  policy: RateLimitPolicy | null,
): Promise<number | null> {
  const judgements = runs.flatMap((run) => run.runs).map((run) => judgeRetryAfter(run.results, policy));
  const waitS = retryAfterWaitS(judgements, policy);
  if (waitS === null) return null;
  console.log(`[perf] rate limit: ${recorder.spec} waits the longest Retry-After of its 429 answers, ${waitS} s`);
  recorder.note('recoveryRetryAfterWaitS', waitS);
  await sleep(waitS * 1000, recorder.signal);
  return waitS;
}

/**
 * Asks the service's health URL once (bounded by 5 s) and returns its status. Null when the
 * service has none (WEBHOOK_HEALTH_URL=none): said in the console and noted under
 * `healthAfter<Event>` (e.g. `healthAfterBurst`) as not checked, never silently passed.
 */
export async function healthAfter(recorder: SpecRecorder, event: string): Promise<{ url: string; status: number } | null> {
  const url = recorder.context.stack.healthUrl;
  if (url === null) {
    console.log(`[perf] ${recorder.spec}: health after the ${event} not checked: the service has no health URL (WEBHOOK_HEALTH_URL=none)`);
    recorder.note(`healthAfter${event[0]!.toUpperCase()}${event.slice(1)}`, 'not checked: WEBHOOK_HEALTH_URL=none');
    return null;
  }
  const answer = await request(url, { signal: AbortSignal.timeout(5000) });
  await answer.body.dump();
  return { url, status: answer.statusCode };
}
