// The HTML of one phase's resources: the load generator's CPU, event loop and
// verdict (LoadTestSummary.generator), beside the server's memory and where it
// was read (its metrics document, Prometheus, its container or its process).
// Pure; every figure tolerates the nulls a JSON round trip leaves for NaN.
import { isBusy, type LoadTestSummary } from '#engine';
import { escapeHtml as esc } from './escape.ts';
import type { SpecReport } from '../model/index.ts';

const MB = 2 ** 20;

function fixed(value: unknown, digits: number, unit = ''): string {
  return typeof value === 'number' && Number.isFinite(value) ? `${value.toFixed(digits)}${unit}` : 'n/a';
}

const share = (value: unknown): unknown => (typeof value === 'number' ? value * 100 : value);

/** "180.2 → 201.5 MB (+21.3 MB)"; n/a for a figure that is missing. */
function rssChange(before: unknown, after: unknown): string {
  const mb = (bytes: unknown) => (typeof bytes === 'number' ? fixed(bytes / MB, 1) : 'n/a');
  const growth =
    typeof before === 'number' && typeof after === 'number' ? ` (${after >= before ? '+' : ''}${fixed((after - before) / MB, 1)} MB)` : '';
  return `${mb(before)} → ${mb(after)} MB${growth}`;
}

/**
 * "180.2 → 201.5 MB (+21.3 MB), prometheus http://…" from the spec's resource readings, which
 * name their source; 'no source' when none had the memory. A report written before the sources
 * existed has only the metrics document: "180.2 → 201.5 MB (+21.3 MB)"; 'not read' when the
 * spec took no metrics snapshot, 'unavailable' when its endpoint could not be read, 'not
 * published' when no snapshot has process.rss_bytes.
 */
export function serverRss(serverMetrics: SpecReport['serverMetrics'], serverResources?: SpecReport['serverResources']): string {
  if (serverResources !== undefined) {
    const { source, before, after } = serverResources;
    return source === undefined ? 'no source' : `${rssChange(before?.rssBytes, after?.rssBytes)}, ${source}`;
  }
  if (!serverMetrics?.before && !serverMetrics?.after) return serverMetrics?.unavailableReason ? 'unavailable' : 'not read';
  const before = serverMetrics.before?.rssBytes;
  const after = serverMetrics.after?.rssBytes;
  if (typeof before !== 'number' && typeof after !== 'number') return 'not published';
  return rssChange(before, after);
}

/**
 * The server's memory and CPU under the server metrics: where they were read and what they
 * were, or, when no source had them, each source's reason. Empty for a report without readings.
 */
export function serverResourcesNote(serverResources: SpecReport['serverResources']): string {
  if (serverResources === undefined) return '';
  const { source, before, after, missing = [] } = serverResources;
  if (source === undefined) return `<p class="muted">Server memory not read, no source had it: ${esc(missing.join('; '))}</p>`;
  const cpu =
    typeof before?.cpuSeconds === 'number' && typeof after?.cpuSeconds === 'number'
      ? `; CPU ${fixed(after.cpuSeconds - before.cpuSeconds, 1)} s over the load`
      : '';
  const lacking = missing.length > 0 ? ` (${missing.join('; ')})` : '';
  const text = `${rssChange(before?.rssBytes, after?.rssBytes)}${cpu}${lacking}`;
  return `<p class="server-resources" data-source="${esc(source)}"><strong>Server memory</strong> (from ${esc(source)}): ${esc(text)}</p>`;
}

/**
 * The phase's resources table and the verdict's note; empty for a summary without generator
 * figures (a report written before they were measured). The server's RSS comes from the spec's
 * readings before and after its load, so every phase of a spec shows the same one.
 */
export function resourcesTable(
  summary: LoadTestSummary | undefined,
  serverMetrics?: SpecReport['serverMetrics'],
  serverResources?: SpecReport['serverResources'],
): string {
  const g = summary?.generator;
  if (typeof g !== 'object' || g === null) return '';
  const verdict = g.limited ? 'generator-limited' : isBusy(g) ? 'busy, kept pace' : 'headroom';
  const cls = g.limited ? 'action' : isBusy(g) ? 'acceptable' : 'target';
  const head = [
    'Generator CPU (one core)',
    'User / system CPU',
    'Event loop busy',
    'Loop delay P99',
    'Verdict',
    "Server RSS (spec's before → after, source)",
  ];
  const cells = [
    fixed(g.cpuPercent, 0, ' %'),
    `${fixed(g.userCpuMs, 0)} / ${fixed(g.systemCpuMs, 0)} ms`,
    fixed(share(g.eventLoopUtilization), 0, ' %'),
    g.eventLoopDelayP99Ms === undefined ? 'not sampled' : fixed(g.eventLoopDelayP99Ms, 1, ' ms'),
  ];
  const note = g.limited ? `<p class="fail">GENERATOR-LIMITED: ${esc(g.note)}</p>` : `<p class="muted">Generator: ${esc(g.note)}</p>`;
  return (
    `<table class="resources" data-generator-limited="${g.limited}"><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead>` +
    `<tbody><tr>${cells.map((c) => `<td>${esc(c)}</td>`).join('')}<td class="verdict ${cls}">${esc(verdict)}</td>` +
    `<td>${esc(serverRss(serverMetrics, serverResources))}</td></tr></tbody></table>${note}`
  );
}
