// What every stack provider hands to the specs, and what it must be able to do.
export type ProviderName = 'embedded' | 'compose' | 'external';

/** Serializable: crosses from Vitest's globalSetup to the spec workers via provide/inject. */
export interface StackEndpoints {
  provider: ProviderName;
  /** Why this provider was chosen (printed and recorded in every report). */
  reason: string;
  webhookUrl: string;
  /** null: the service has no health endpoint (WEBHOOK_HEALTH_URL=none); the signed probe is the readiness check. */
  healthUrl: string | null;
  metricsUrl: string;
  /** Provider specifics for reports: container ids, log files, compose files. */
  details: Record<string, string | string[]>;
}

export interface RunningStack {
  endpoints: StackEndpoints;
  /** Copies the service logs into `dir`; returns the files written (none for external). */
  saveLogs(dir: string): Promise<string[]>;
  /** Tears the stack down; idempotent. */
  stop(): Promise<void>;
}
