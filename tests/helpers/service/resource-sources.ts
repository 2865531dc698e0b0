// Where the service's memory and CPU come from, in order of preference: its metrics document
// (process.rss_bytes), its Prometheus endpoint (WEBHOOK_PROMETHEUS_URL), its container's
// Docker stats (compose), its process (embedded). The first source that answers before the
// load is the one read after it too (two sources' figures are not comparable); when none
// answers, every source's reason is kept, so a skipped memory check says why of each.
import type { ServerResources, StackEndpoints } from '../model/index.ts';
import { readContainer } from './container-stats.ts';
import type { MetricsResult } from './metrics-client.ts';
import { readProcess } from './process-stats.ts';
import { readPrometheus, type SourceRead } from './prometheus.ts';

export type { SourceRead } from './prometheus.ts';

/** A source this run has: its name (`prometheus http://…`) and how to read it. */
export interface ResourceSource {
  name: string;
  read(): Promise<SourceRead>;
}

/** The reads behind the sources (injected in tests). */
export interface ResourceReaders {
  /** The metrics document as last read (withServerMetrics reads it around the load anyway). */
  metricsDocument(): Promise<MetricsResult>;
  prometheus(url: string): Promise<SourceRead>;
  container(id: string): Promise<SourceRead>;
  process(pid: number): Promise<SourceRead>;
}

/** The reads of the real sources, but the metrics document's, which the caller holds. */
export const SOURCE_READERS: Omit<ResourceReaders, 'metricsDocument'> = {
  prometheus: (url) => readPrometheus(url),
  container: (id) => readContainer(id),
  process: (pid) => readProcess(pid),
};

/** Pure: the metrics document's memory, or why it has none. */
export function documentFigures(result: MetricsResult): SourceRead {
  if (!result.available) return { ok: false, reason: result.reason };
  const rssBytes = result.metrics.rssBytes;
  return rssBytes === undefined ? { ok: false, reason: 'the document lacks process.rss_bytes' } : { ok: true, figures: { rssBytes } };
}

/**
 * Pure: the sources of `stack`, in order; a source the run does not have is the reason why
 * (a string), so it is listed among the reasons without being read.
 */
export function resourceSources(stack: StackEndpoints, readers: ResourceReaders): (ResourceSource | string)[] {
  const { provider } = stack;
  return [
    { name: `metrics document ${stack.metricsUrl}`, read: async () => documentFigures(await readers.metricsDocument()) },
    stack.prometheusUrl === undefined
      ? 'prometheus: WEBHOOK_PROMETHEUS_URL is not set'
      : { name: `prometheus ${stack.prometheusUrl}`, read: () => readers.prometheus(stack.prometheusUrl!) },
    stack.serviceContainerId === undefined
      ? `container: the service runs in no container of this run (provider ${provider})`
      : { name: `container ${stack.serviceContainerId.slice(0, 12)}`, read: () => readers.container(stack.serviceContainerId!) },
    stack.servicePid === undefined
      ? `process: the service is no process this run started (provider ${provider})`
      : { name: `process ${stack.servicePid}`, read: () => readers.process(stack.servicePid!) },
  ];
}

/** The source chosen before the load with its reading, or every source's reason. */
export type ResourceChoice =
  { source: ResourceSource; before: SourceRead & { ok: true }; reasons: string[] } | { source: undefined; reasons: string[] };

/** Reads the sources in order and keeps the first that answers (the later ones are not read). */
export async function chooseResourceSource(sources: readonly (ResourceSource | string)[]): Promise<ResourceChoice> {
  const reasons: string[] = [];
  for (const source of sources) {
    if (typeof source === 'string') {
      reasons.push(source);
      continue;
    }
    const before = await source.read();
    if (before.ok) return { source, before, reasons };
    reasons.push(`${source.name}: ${before.reason}`);
  }
  return { source: undefined, reasons };
}

/** Pure: what the report keeps of the chosen source's readings before and after the load. */
export function resourcesAround(choice: ResourceChoice, after: SourceRead | undefined): ServerResources {
  if (choice.source === undefined) return { missing: choice.reasons };
  const { name } = choice.source;
  const kept: ServerResources = { source: name, before: choice.before.figures };
  if (after === undefined || !after.ok) {
    kept.missing = [`${name}: ${after?.reason ?? 'not read'} (after the load)`];
    return kept;
  }
  kept.after = after.figures;
  return kept;
}

/** The reason a check of the server's memory cannot judge `resources`, or undefined when it can. */
export function resourcesMissing(resources: ServerResources): string | undefined {
  if (resources.source !== undefined && resources.before !== undefined && resources.after !== undefined) return undefined;
  const reasons = resources.missing ?? [];
  return resources.source === undefined
    ? `needs the server's memory, and no source had it: ${reasons.join('; ')}`
    : `needs the server's memory from ${resources.source}: ${reasons.join('; ')}`;
}
