// What globalSetup hands every spec (via provide/inject), and what specs derive
// from it. Everything here must be serializable. No Vitest runtime import: the
// globalSetup (main process) uses this module too.
import { plannedDurationMs as plannedRunDurationMs } from '#engine';
import type { PerfConfig } from '../config/index.ts';
import { join, resolve } from 'node:path';
import { EDGE_MARGIN_MS, LEDGER_FILE, RateLedger } from '../rate-limit/index.ts';
import type { PreflightResult } from '../service/index.ts';
import type { StackEndpoints } from '../providers/index.ts';

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

/**
 * A spec's Vitest timeout: its planned duration with room for slow answers and teardown,
 * plus `waits` rate-limit waits (each at most the policy's window and its edge margin).
 */
export function specTimeoutMs(plannedMs: number, config: Pick<PerfConfig, 'requestTimeoutMs' | 'rateLimit'>, waits = 1): number {
  const waitMs = config.rateLimit === null ? 0 : config.rateLimit.windowMs + EDGE_MARGIN_MS + 1000;
  return Math.ceil(plannedMs * 1.5 + config.requestTimeoutMs + 30_000 + waits * waitMs);
}

/** The ledger of the run's service, beside the reports. */
export function ledgerFor(context: Pick<PerfContext, 'config' | 'stack'>): RateLedger {
  const { config, stack } = context;
  // Keep a minute beyond the window: enough for any wait, small enough to stay a few KB.
  const keepMs = (config.rateLimit?.windowMs ?? 60_000) + 60_000;
  return new RateLedger(join(resolve(config.reportDir), LEDGER_FILE), stack.webhookUrl, keepMs);
}
