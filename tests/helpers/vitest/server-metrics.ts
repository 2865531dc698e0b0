// The service's own metrics around a load: a settled snapshot before and after
// (success_count and failure_count no longer moving), optionally the document
// polled every 5 s in between, kept in the spec's report (serverMetrics, and
// the `metricsSeries` note) and read by the server matchers
// (matchers-server.ts). A service without a metrics endpoint, or without a
// field, is a reason to skip the check that needs it (metricsMissing), never a
// silent pass. The server's memory (and CPU) is read from the first source that has it
// (service/resource-sources.ts: the metrics document, Prometheus, the container, the process),
// named wherever it is shown.
import {
  chooseResourceSource,
  fetchSettledMetrics,
  formatMetricsBlock,
  pollMetrics,
  resourceSources,
  resourcesAround,
  resourcesMissing,
  SOURCE_READERS,
  type MetricsResult,
  type ServerMetrics,
} from '../service/index.ts';
import { memoryGrowth, poolLeftovers } from '../analysis/index.ts';
import type { ServerResources } from '../model/index.ts';
import type { SpecRecorder } from './recorder.ts';

/** What the service said of itself around a load. */
export interface ServerMetricsAround {
  metricsUrl: string;
  before: MetricsResult;
  after: MetricsResult;
  /** The document polled while the load ran (with `series`), each with its ms since the before snapshot. */
  series: { atMs: number; metrics: ServerMetrics }[];
  /** The server's memory and CPU before and after, and the source they were read from (or why none). */
  resources: ServerResources;
}

/** The fields the server checks read from the metrics document only, by where it keeps them. */
const FIELDS = {
  successCount: { doc: 'webhook_metrics.success_count', snapshots: ['before', 'after'] },
  pool: { doc: 'freshdesk_pool', snapshots: ['after'] },
} as const satisfies Record<string, { doc: string; snapshots: readonly ('before' | 'after')[] }>;

/** What a server check needs: a field of the metrics document, or the server's memory (`rssBytes`, from any source). */
export type CheckedField = keyof typeof FIELDS | 'rssBytes';

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
  // The metrics document's memory is the snapshot's: read once, around the load.
  let latest = before;
  const sources = resourceSources(recorder.context.stack, { ...SOURCE_READERS, metricsDocument: async () => latest });
  const choice = await chooseResourceSource(sources);
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
  latest = after;
  const resources = resourcesAround(choice, await choice.source?.read());
  recorder.serverMetrics(before, after);
  recorder.serverResources(resources);
  const server: ServerMetricsAround = { metricsUrl, before, after, series: polled, resources };
  console.log(describeServer(server));
  return { result, server };
}

/** The metrics after the load, the server's memory (and CPU) with its source, and the pool when the document has it. */
export function describeServer({ before, after, resources }: ServerMetricsAround): string {
  const lines = [
    after.available
      ? formatMetricsBlock(after.metrics, before.available ? before.metrics : undefined)
      : `Server metrics unavailable: ${after.reason}`,
  ];
  lines.push(describeResources(resources));
  if (after.available && after.metrics.pool !== undefined) lines.push(`${poolLeftovers(after.metrics.pool).text} (after the run)`);
  return lines.join('\n');
}

/** `Server RSS: 80.1 MB -> 84.3 MB (+4.2 MB); CPU 3.2 s over the load (from prometheus http://…)`, or why there is none. */
export function describeResources(resources: ServerResources): string {
  const missing = resourcesMissing(resources);
  if (missing !== undefined) return `Server memory not read: ${missing.replace(/^needs /, 'it needs ')}`;
  const { before, after, source } = resources;
  const cpu =
    before?.cpuSeconds !== undefined && after?.cpuSeconds !== undefined
      ? `; CPU ${(after.cpuSeconds - before.cpuSeconds).toFixed(1)} s over the load`
      : '';
  return `${memoryGrowth(before!.rssBytes, after!.rssBytes).text}${cpu} (from ${source})`;
}

/**
 * Why a check that needs `field` cannot judge `server` (the reason names the field, where the
 * metrics document keeps it and the metrics URL), or undefined when it can. No `server`: the
 * load that should have taken the snapshots did not finish.
 */
export function metricsMissing(server: ServerMetricsAround | undefined, field: CheckedField): string | undefined {
  if (field === 'rssBytes') {
    return server === undefined
      ? "needs the server's memory: the load around which it is read did not finish"
      : resourcesMissing(server.resources);
  }
  const { doc, snapshots } = FIELDS[field];
  if (server === undefined) return `needs ${doc}: the load around which the metrics are read did not finish`;
  for (const which of snapshots) {
    const result = server[which];
    const reason = !result.available ? result.reason : result.metrics[field] === undefined ? `the document lacks ${doc}` : undefined;
    if (reason !== undefined) return `needs ${doc} from ${server.metricsUrl}: ${reason} (${which} the load)`;
  }
  return undefined;
}
