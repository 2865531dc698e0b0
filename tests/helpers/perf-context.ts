// What globalSetup hands every spec (via provide/inject), and what specs derive
// from it. Everything here must be serializable. No Vitest runtime import: the
// globalSetup (main process) uses this module too.
import { plannedDurationMs as plannedRunDurationMs } from './options.ts';
import type { PerfConfig } from './config.ts';
import type { PreflightResult } from './preflight.ts';
import type { StackEndpoints } from './providers/types.ts';

export interface PerfContext {
  config: PerfConfig;
  stack: StackEndpoints;
  preflight: PreflightResult;
  /** ISO time the run started, shared by every spec's report. */
  runStartedAt: string;
  /** First ticket id of this run; each spec takes its own block above it. */
  ticketIdBase: number;
}

declare module 'vitest' {
  export interface ProvidedContext {
    perf: PerfContext;
  }
}

/** Ticket ids each spec may use: blocks this wide, so specs never collide. */
export const TICKET_BLOCK = 10_000_000;

/**
 * A base that differs between runs started more than a millisecond apart, so a
 * rerun inside the service's 60 s duplicate window never reuses an id.
 */
export function ticketIdBaseFor(nowMs: number): number {
  // 1e6 ms (about 17 minutes) of distinct bases, each TICKET_BLOCK * 100 wide: below 2^53.
  return (nowMs % 1_000_000) * TICKET_BLOCK * 100 + TICKET_BLOCK;
}

export const SPEC_SLOTS = { preflight: 0, standard: 1, sustained: 2, burst: 3, profile: 4, custom: 5 } as const;
export type SpecName = keyof typeof SPEC_SLOTS;

export function ticketIdStart(ticketIdBase: number, spec: SpecName, offset = 0): number {
  return ticketIdBase + SPEC_SLOTS[spec] * TICKET_BLOCK + offset;
}

/** How long `requests` take at `perMinute`, in ms (the open model's schedule). */
export function plannedDurationMs(requests: number, perMinute: number): number {
  return plannedRunDurationMs(requests, perMinute / 60);
}

/** A spec's Vitest timeout: its planned duration with room for slow answers and teardown. */
export function specTimeoutMs(plannedMs: number, requestTimeoutMs: number): number {
  return Math.ceil(plannedMs * 1.5 + requestTimeoutMs + 30_000);
}
