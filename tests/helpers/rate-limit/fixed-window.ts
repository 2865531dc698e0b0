// Which of our earlier requests share a fixed window with a phase. A fixed
// window starts at a client's first request after the previous window ended and
// lasts `windowMs` (express-rate-limit, @fastify/rate-limit, slowapi/limits,
// Redis INCR+EXPIRE). The windows are followed along our own requests, each
// known to have been stamped between its send and its answer (and the margin
// for the edge): after a silence longer than a window the next request surely
// starts one; a request surely after a window's end starts the next; a request
// that may fall either side leaves the windows unknown until the next silence.
// Unknown counts as no earlier request in the phase's window, and as a window
// that may end during the phase: a verdict may then accept a limiter that
// admitted more, never fail a correct one. Pure.
import type { Sent } from './ledger.ts';
import type { RateLimitPolicy } from './policy.ts';

export interface FixedWindowAtPhase {
  /** Earlier requests surely counted in the window the phase starts in. */
  count: number;
  /** The window's end is unknown, or may fall within the phase: a new window may begin during it. */
  mayRestart: boolean;
}

/** How many of `earlier` (sent before the phase) surely count in the fixed window the phase starts in, and whether it may end during the phase. */
export function earlierInFixedWindow(
  policy: RateLimitPolicy,
  earlier: readonly Sent[],
  phase: { startMs: number; endMs: number },
  marginMs: number,
): FixedWindowAtPhase {
  const { windowMs } = policy;
  const sorted = [...earlier].sort((a, b) => a[0] - b[0]);
  const lastAnsweredOfAll = Math.max(Number.NEGATIVE_INFINITY, ...sorted.map(([, answered]) => answered));
  // After a silence longer than a window, the phase's own first request starts one.
  if (phase.startMs >= lastAnsweredOfAll + windowMs + marginMs) return { count: 0, mayRestart: false };
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
  if (start === undefined) return { count: 0, mayRestart: true };
  const [startSent, startAnswered] = sorted[start]!;
  // The whole phase inside that window: every request since its start counts.
  if (phase.endMs < startSent + windowMs - marginMs) return { count: sorted.length - start, mayRestart: false };
  // The window surely ended before the phase: the phase's first request starts the next.
  if (phase.startMs >= startAnswered + windowMs + marginMs) return { count: 0, mayRestart: false };
  return { count: 0, mayRestart: true };
}
