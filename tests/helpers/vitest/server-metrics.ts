// The service's own metrics around a load: a settled snapshot before and after
// (success_count and failure_count no longer moving), optionally the document
// polled every 5 s in between, kept in the spec's report (serverMetrics, and
// the `metricsSeries` note) and read by the server matchers
// (matchers-server.ts). A service without a metrics endpoint, or without a
// field, is a reason to skip the check that needs it (metricsMissing), never a
// silent pass.
import { fetchSettledMetrics, formatMetricsBlock, pollMetrics, type MetricsResult, type ServerMetrics } from '../service/index.ts';
import { memoryGrowth, poolLeftovers } from '../analysis/index.ts';
import type { SpecRecorder } from './recorder.ts';

/** What the service said of itself around a load. */
export interface ServerMetricsAround {
  metricsUrl: string;
  before: MetricsResult;
  after: MetricsResult;
  /** The document polled while the load ran (with `series`), each with its ms since the before snapshot. */
  series: { atMs: number; metrics: ServerMetrics }[];
}

/** The fields the server checks read, by where the metrics document keeps them. */
const FIELDS = {
  successCount: { doc: 'webhook_metrics.success_count', snapshots: ['before', 'after'] },
  rssBytes: { doc: 'process.rss_bytes', snapshots: ['before', 'after'] },
  pool: { doc: 'freshdesk_pool', snapshots: ['after'] },
} as const satisfies Record<string, { doc: string; snapshots: readonly ('before' | 'after')[] }>;

export type CheckedField = keyof typeof FIELDS;

/**
 * Takes the service's metrics before `send` and after it (and, with `series`, every
 * `everyMs` while it runs), keeps them in the spec's report and hands back `send`'s result
 * beside them. The snapshots wrap everything `send` does: with PERF_REPEAT, around a load(),
 * every repetition of it. Nothing else may reach the service meanwhile (the specs run one at a time).
 */
export async function withServerMetrics<T>(
  recorder: SpecRecorder,
  send: () => Promise<T>,
  { series = false, everyMs = 5000 }: { series?: boolean; everyMs?: number } = {},
): Promise<{ result: T; server: ServerMetricsAround }> {
  const { metricsUrl } = recorder.context.stack;
  const before = await fetchSettledMetrics(metricsUrl);
  const poll = series ? pollMetrics(metricsUrl, everyMs) : undefined;
  let polled: ServerMetricsAround['series'];
  let result: T;
  try {
    result = await send();
  } finally {
    polled = (await poll?.stop()) ?? [];
    if (series) recorder.note('metricsSeries', polled);
  }
  // load() has put the requests in the ledger already: the metrics never hold the ledger up.
  const after = await fetchSettledMetrics(metricsUrl);
  recorder.serverMetrics(before, after);
  const server: ServerMetricsAround = { metricsUrl, before, after, series: polled };
  console.log(describeServer(server));
  return { result, server };
}

/** The metrics after the load, and the server's memory and pool when the document has them. */
export function describeServer({ before, after }: ServerMetricsAround): string {
  if (!after.available) return `Server metrics unavailable: ${after.reason}`;
  const lines = [formatMetricsBlock(after.metrics)];
  const rss = [before.available ? before.metrics.rssBytes : undefined, after.metrics.rssBytes];
  if (rss[0] !== undefined && rss[1] !== undefined) lines.push(memoryGrowth(rss[0], rss[1]).text);
  if (after.metrics.pool !== undefined) lines.push(`${poolLeftovers(after.metrics.pool).text} (after the run)`);
  return lines.join('\n');
}

/**
 * Why a check that needs `field` cannot judge `server` (the reason names the field, where the
 * metrics document keeps it and the metrics URL), or undefined when it can. No `server`: the
 * load that should have taken the snapshots did not finish.
 */
export function metricsMissing(server: ServerMetricsAround | undefined, field: CheckedField): string | undefined {
  const { doc, snapshots } = FIELDS[field];
  if (server === undefined) return `needs ${doc}: the load around which the metrics are read did not finish`;
  for (const which of snapshots) {
    const result = server[which];
    const reason = !result.available ? result.reason : result.metrics[field] === undefined ? `the document lacks ${doc}` : undefined;
    if (reason !== undefined) return `needs ${doc} from ${server.metricsUrl}: ${reason} (${which} the load)`;
  }
  return undefined;
}
