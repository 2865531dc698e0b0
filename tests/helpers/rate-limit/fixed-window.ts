// Which of our earlier requests share a fixed window with a phase. A fixed
// window starts at a client's first request after the previous window ended and
// lasts `windowMs` (express-rate-limit, @fastify/rate-limit, slowapi/limits,
// Redis INCR+EXPIRE). The windows are followed along our own requests, each
// known to have been stamped between its send and its answer (and the margin
// for the edge): after a silence longer than a window the next request surely
// starts one; a request surely after a window's end starts the next; a request
// that may fall either side leaves the windows unknown until the next silence.
// Unknown counts as no earlier request in the phase's window: a verdict may
// accept a limiter that admitted a little more, never fail a correct one. Pure.
import type { Sent } from './ledger.ts';
import type { RateLimitPolicy } from './policy.ts';

/** How many of `earlier` (sent before the phase) surely count in the fixed window the whole phase falls in. */
export function earlierInFixedWindow(
  policy: RateLimitPolicy,
  earlier: readonly Sent[],
  phase: { startMs: number; endMs: number },
  marginMs: number,
): number {
  const { windowMs } = policy;
  const sorted = [...earlier].sort((a, b) => a[0] - b[0]);
  /** Index of the request that started the current window, when known. */
  let start: number | undefined;
  let lastAnswered = Number.NEGATIVE_INFINITY;
  sorted.forEach(([sent, answered], i) => {
    if (i > 0 && sent >= lastAnswered + windowMs + marginMs)
      start = i; // after a silence: a new window
    else if (start !== undefined) {
      const [startSent, startAnswered] = sorted[start]!;
      if (sent >= startAnswered + windowMs + marginMs)
        start = i; // surely after the window's end
      else if (answered >= startSent + windowMs - marginMs) start = undefined; // either side of its end
    }
    lastAnswered = Math.max(lastAnswered, answered);
  });
  if (start === undefined) return 0;
  const [startSent] = sorted[start]!;
  // The whole phase inside that window: every request since its start counts.
  return phase.endMs < startSent + windowMs - marginMs ? sorted.length - start : 0;
}
