// Where a run ran and what the service said of itself: the endpoints a stack provider hands
// to the specs (providers/) and the figures read from the service's metrics endpoint
// (service/), both recorded in every spec report. Types only.

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
  /** WEBHOOK_PROMETHEUS_URL: the service's Prometheus text endpoint, a source of its memory and CPU. */
  prometheusUrl?: string;
  /** embedded: the webhook service's pid (its memory and CPU are read from the OS). */
  servicePid?: number;
  /** compose: the webhook service's container id (its memory and CPU are read from Docker's stats). */
  serviceContainerId?: string;
}

export interface Percentiles {
  p50: number;
  p95: number;
  p99: number;
}

export interface ServerMetrics {
  successCount?: number;
  failureCount?: number;
  successRatePercent?: number;
  processingTimes?: Percentiles & { average?: number; count?: number };
  slowOperationCount?: number;
  freshdeskLatency?: Percentiles;
  /** Reference-stack extras (not in the contract): memory and the Freshdesk pool. */
  rssBytes?: number;
  heapUsedBytes?: number;
  eventLoopDelayP99Ms?: number;
  pool?: { connected?: number; pending?: number; running?: number; size?: number };
  /** Dotted paths of contract fields the document lacks. */
  missing: string[];
}

/** The service's memory (resident set, bytes) and, where the source has it, its CPU time so far. */
export interface ResourceFigures {
  rssBytes: number;
  cpuSeconds?: number;
}

/**
 * The service's memory and CPU around a load, from the first source that had them (service/
 * resource-sources.ts): `source` names it (`metrics document <url>`, `prometheus <url>`,
 * `container <id>`, `process <pid>`). Without `source` (or without a figure), `missing` says
 * why, one reason per source tried.
 */
export interface ServerResources {
  source?: string;
  before?: ResourceFigures;
  after?: ResourceFigures;
  missing?: string[];
}
