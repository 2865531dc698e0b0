// What globalSetup hands every spec (via provide/inject), and what specs derive
// from it. Everything here must be serializable. No Vitest runtime import: the
// globalSetup (main process) uses this module too.
import type { PerfConfig } from '../config/index.ts';
import { join, resolve } from 'node:path';
import { LEDGER_FILE, RateLedger } from '../rate-limit/index.ts';
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
  /** Each spec file's ticket-id block (by name, from the files of the project): see specSlots. */
  specSlots: Record<string, number>;
  /** The set-up's warnings (settings that look mistyped, the preflight's): every spec's report repeats them. */
  setupWarnings?: string[];
}

/**
 * Why the run could not start (bad configuration, an unreachable target, TLS, compose): the
 * global setup hands it over instead of throwing, so every spec fails at once with it (no
 * traffic), JUnit records failed tests rather than none, and the reporter prints it last.
 */
export interface PerfSetupFailure {
  /** ConfigError, PreflightError, ComposeError, or the name of an unexpected error. */
  name: string;
  message: string;
  /** The stack of an unexpected error (a bug); the suite's own errors need none. */
  stack?: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    perf: PerfContext;
    /** Set when the global setup failed; then `perf` is not provided. */
    perfSetupFailure: PerfSetupFailure | null;
  }
}

/** The errors whose message is the whole story: no stack trace is shown for them. */
const SUITE_ERRORS = ['ConfigError', 'PreflightError', 'ComposeError'];

/** The failure as it crosses to the specs and the reporter (plain data). */
export function setupFailureOf(error: unknown): PerfSetupFailure {
  const e = error instanceof Error ? error : new Error(String(error));
  return SUITE_ERRORS.includes(e.name) ? { name: e.name, message: e.message } : { name: e.name, message: e.message, stack: e.stack };
}

/** The error each spec throws when the set-up failed: the suite's message, without frames of the fixture. */
export function setupFailureError(failure: PerfSetupFailure): Error {
  const error = new Error(`The performance run did not start, no load was sent: ${failure.message}`);
  error.name = failure.name;
  error.stack = failure.stack ?? `${failure.name}: ${error.message}`;
  return error;
}

/** The one message printed last when the set-up failed. */
export function formatSetupFailure(failure: PerfSetupFailure): string {
  const rule = '='.repeat(78);
  return [
    rule,
    `[perf] The performance run did not start (${failure.name}); no load was sent. Every spec failed with this:`,
    '',
    failure.stack ?? `${failure.name}: ${failure.message}`, // an unexpected error's stack starts with its message
    rule,
  ].join('\n');
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

/** The preflight's probes take block 0; the specs the blocks after it. */
export const PREFLIGHT = 'preflight';
/** Blocks per run (see ticketIdBaseFor): the preflight and up to 99 spec files. */
const MAX_SLOTS = 100;

/**
 * Every spec file its own ticket-id block, from the names of the project's spec files in
 * the run order (spec-order.ts): a new spec file gets one without any edit here.
 */
export function specSlots(specNames: readonly string[], repeat = 1): Record<string, number> {
  const names = [...new Set(specNames)].filter((name) => name !== PREFLIGHT);
  if (names.length >= MAX_SLOTS) {
    throw new Error(`${names.length} spec files in tests/performance: the ticket-id blocks allow at most ${MAX_SLOTS - 1}`);
  }
  // Each repetition (PERF_REPEAT) takes a block per spec of its own: a run repeated within the
  // service's duplicate window must not send an id twice.
  if ((names.length + 1) * repeat > MAX_SLOTS) {
    throw new Error(
      `PERF_REPEAT=${repeat} with ${names.length} spec files needs ${(names.length + 1) * repeat} ticket-id blocks, more than the ${MAX_SLOTS} a run has: ` +
        `lower PERF_REPEAT to at most ${Math.floor(MAX_SLOTS / (names.length + 1))} or run fewer spec files`,
    );
  }
  return Object.fromEntries([[PREFLIGHT, 0], ...names.map((name, i) => [name, i + 1])]);
}

/** The first ticket id of `spec`'s block in this run, plus `offset`. */
export function ticketIdStart(context: Pick<PerfContext, 'ticketIdBase' | 'specSlots'>, spec: string, offset = 0, repetition = 0): number {
  const slot = context.specSlots[spec];
  if (slot === undefined) {
    throw new Error(
      `no ticket-id block for the spec "${spec}": spec files are found by the performance project's include pattern ` +
        `(tests/performance/**/*.spec.ts); known: ${Object.keys(context.specSlots).join(', ')}`,
    );
  }
  return context.ticketIdBase + (slot + repetition * Object.keys(context.specSlots).length) * TICKET_BLOCK + offset;
}

/** Where a spec's JSON report goes. */
export function reportPathFor(config: Pick<PerfConfig, 'reportDir'>, spec: string): string {
  return join(resolve(config.reportDir), `${spec}.json`);
}

/** The ledger of the run's service, beside the reports. */
export function ledgerFor(context: Pick<PerfContext, 'config' | 'stack'>): RateLedger {
  const { config, stack } = context;
  // Two windows and a minute: enough for any wait and to follow a fixed window's starts along our
  // requests (rate-limit/fixed-window.ts), small enough to stay a few KB.
  const keepMs = 2 * (config.rateLimit?.windowMs ?? 60_000) + 60_000;
  return new RateLedger(join(resolve(config.reportDir), LEDGER_FILE), stack.webhookUrl, keepMs);
}
