// What every benchmark receives: its sizes, the servers (each in its own process) and the peers found.
import type { Figure } from './report.ts';
import type { BenchServer } from './server.ts';
import type { Settings } from './settings.ts';

export interface BenchContext {
  settings: Settings;
  /** Answers 200 at once. */
  minimal: BenchServer;
  /** Answers 200 after settings.overhead.delayMs. */
  delayed: BenchServer;
  /** Two servers that answer at once except during one stall (settings.coordinatedOmission): ours and autocannon run at the same time. */
  stalling: [BenchServer, BenchServer];
  /** wrk's version, or null when it is not installed. */
  wrk: string | null;
  log(message: string): void;
}

export interface BenchOutcome {
  figures: Figure[];
  /** Every repetition's numbers, for results.json. */
  raw: unknown;
}
