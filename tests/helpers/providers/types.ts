// What every stack provider hands to the specs, and what it must be able to do.
import type { StackEndpoints } from '../model/index.ts';

// The endpoints' shape is the model's: every report records them.
export type { ProviderName, StackEndpoints } from '../model/index.ts';

export interface RunningStack {
  endpoints: StackEndpoints;
  /** Copies the service logs into `dir`; returns the files written (none for external). */
  saveLogs(dir: string): Promise<string[]>;
  /** Tears the stack down; idempotent. */
  stop(): Promise<void>;
}
