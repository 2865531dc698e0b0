// When may a phase start so that the service's sliding window has room for it?
// Pure: the suite's own earlier requests to the service (wall-clock send times of
// the ones the service may have admitted), the phase's plan and a clock in, a
// start time out. No sleeping here; the caller waits.
//
// The rule: request i of the phase is due at start + d_i. The service refuses it
// when `limit` requests were admitted in (t - window, t]. The phase's own earlier
// requests in that span are fixed by its plan (own_i), so at most
// room_i = limit - 1 - own_i of our past requests may still be in the window when
// request i arrives. Past send times only leave the window as time goes on, so
// each request gives a lower bound on the start, and the start is the largest.
// Past requests are given by the time their answer came (the latest the service
// can have stamped them), and a past request counts while it is within
// `window + marginMs` of the new one: the window's edge may be inclusive, and
// the clocks of the two processes are read at slightly different moments. A
// time later than now (a clock stepped back) counts as now, so a wait is never
// longer than the window and the margin.
//
// A fixed window is planned as a sliding one: its current window holds a subset
// of the sliding span's requests, so a plan with room in the sliding span has
// room in it too (it may wait up to a window longer than it had to). A token
// bucket is planned on its tokens: counted from our past requests (as late as
// they can have been taken, plus the margin), the phase starts when the bucket
// holds what the phase's plan needs.

import { dueTimeMs } from '#engine';
import { bucketNeeds, tokensAt, whenTokens } from './bucket.ts';
import type { ServiceSays } from './headers.ts';
import { algorithmOf, type RateLimitPolicy } from './policy.ts';

/** Extra time a past request is assumed to stay in the service's window. */
export const EDGE_MARGIN_MS = 1000;

export interface PhasePlan {
  requests: number;
  /** Open-model rate; null = every request at once (a burst). */
  ratePerSecond: number | null;
}

export interface WaitPlan {
  /** When the phase may start (ms, the clock of `nowMs`); nowMs when there is room already. */
  startAtMs: number;
  waitMs: number;
  /** Our past requests inside the window now. */
  inWindowNow: number;
  /** Requests of the phase that the policy refuses whatever the wait: its own plan is over the limit. */
  overLimitByPlan: number;
  /** The phase's own plan leaves less than the margin at some request (e.g. exactly `limit` per window): refusals at the edge are possible. */
  atEdge: boolean;
  /** The service's own word made the wait longer: it said so in these headers (its `remaining` and `reset`). */
  serviceSaid?: string;
}

/** Offsets of the phase's requests from its start, in ms. */
export function offsetsOf(plan: PhasePlan): number[] {
  const { requests, ratePerSecond } = plan;
  return Array.from({ length: requests }, (_, i) => dueTimeMs(i, ratePerSecond));
}

/** How many of our past requests (wall ms) are in the window ending at `atMs`, margin included. */
export function inWindow(pastMs: readonly number[], atMs: number, policy: RateLimitPolicy, marginMs = EDGE_MARGIN_MS): number {
  let count = 0;
  for (const t of pastMs) if (t > atMs - policy.windowMs - marginMs && t <= atMs) count += 1;
  return count;
}

/**
 * When the phase may start: from our own requests and the policy's algorithm, and no earlier than
 * the reset the service's last answer named (`said`) when the phase needs more before it than the
 * service said remained (other traffic in the window shows there).
 */
export function planWait(
  policy: RateLimitPolicy | null,
  pastMs: readonly number[],
  plan: PhasePlan,
  nowMs: number,
  marginMs = EDGE_MARGIN_MS,
  said?: ServiceSays,
): WaitPlan {
  const wait = planOwnWait(policy, pastMs, plan, nowMs, marginMs);
  if (policy === null || said === undefined || said.resetAtMs <= wait.startAtMs) return wait;
  const dueBeforeReset = offsetsOf(plan).filter((d) => wait.startAtMs + d < said.resetAtMs).length;
  if (dueBeforeReset <= said.remaining) return wait;
  // A correct service's reset is within its window: a longer one (a daily quota) is waited for no longer.
  const startAtMs = Math.max(wait.startAtMs, Math.min(said.resetAtMs, nowMs + policy.windowMs) + marginMs);
  return { ...wait, startAtMs, waitMs: startAtMs - nowMs, serviceSaid: said.said };
}

function planOwnWait(
  policy: RateLimitPolicy | null,
  pastMs: readonly number[],
  plan: PhasePlan,
  nowMs: number,
  marginMs: number,
): WaitPlan {
  if (policy === null) return { startAtMs: nowMs, waitMs: 0, inWindowNow: 0, overLimitByPlan: 0, atEdge: false };
  if (algorithmOf(policy) === 'bucket') return planBucketWait(policy, pastMs, plan, nowMs, marginMs);
  const { limit, windowMs } = policy;
  const recentFirst = pastMs
    .map((t) => Math.min(t, nowMs))
    .filter((t) => t > nowMs - windowMs - marginMs)
    .sort((a, b) => b - a);
  const offsets = offsetsOf(plan);
  let startAtMs = nowMs;
  let overLimitByPlan = 0;
  let atEdge = false;
  let oldestOwn = 0; // first own request still in the window of request i (two pointers)
  for (let i = 0; i < offsets.length; i++) {
    const d = offsets[i]!;
    while (offsets[oldestOwn]! <= d - windowMs) oldestOwn += 1;
    const room = limit - 1 - (i - oldestOwn);
    if (room < 0) {
      overLimitByPlan += 1;
      continue;
    }
    // Full by its own plan: the own request that just left did so less than the margin ago.
    if (room === 0 && oldestOwn > 0 && d - (offsets[oldestOwn - 1]! + windowMs) < marginMs) atEdge = true;
    const blocking = recentFirst[room]; // the (room+1)-th most recent past request must have left
    if (blocking !== undefined) startAtMs = Math.max(startAtMs, blocking + windowMs + marginMs - d);
  }
  return {
    startAtMs,
    waitMs: startAtMs - nowMs,
    inWindowNow: recentFirst.filter((t) => t <= nowMs).length,
    overLimitByPlan,
    atEdge,
  };
}

/**
 * planWait for a token bucket: our requests replayed from a full bucket (all the ledger keeps), as
 * taken when answered plus the margin. A bucket is full a window (its refill time) after it was
 * empty, so no wait is longer than that and the margin.
 */
function planBucketWait(policy: RateLimitPolicy, pastMs: readonly number[], plan: PhasePlan, nowMs: number, marginMs: number): WaitPlan {
  const taken = pastMs.map((t) => Math.min(t + marginMs, nowMs));
  const tokensNow = tokensAt(policy, taken, nowMs);
  const needs = bucketNeeds(policy, offsetsOf(plan));
  const startAtMs = Math.min(whenTokens(policy, tokensNow, needs.tokens, nowMs), nowMs + policy.windowMs + marginMs);
  // Less than the margin's refill to spare from a full bucket: a request at the edge may be refused.
  const atEdge = needs.overLimitByPlan === 0 && needs.tokens > policy.limit - (marginMs / 1000) * policy.refillPerSecond!;
  return {
    startAtMs,
    waitMs: startAtMs - nowMs,
    inWindowNow: Math.max(0, Math.round(policy.limit - tokensNow)),
    overLimitByPlan: needs.overLimitByPlan,
    atEdge: atEdge && needs.tokens > 1,
  };
}
