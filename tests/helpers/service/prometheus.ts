// The service's memory and CPU from a Prometheus text endpoint (WEBHOOK_PROMETHEUS_URL): the
// process metrics prom-client (Node) and prometheus_client (Python) publish by default,
// process_resident_memory_bytes and process_cpu_seconds_total. Parsing is the maintained
// parser's (parse-prometheus-text-format); this module only picks the two figures.
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { request } from 'undici';
import type { ResourceFigures } from '../model/index.ts';

export const PROMETHEUS_RSS = 'process_resident_memory_bytes';
export const PROMETHEUS_CPU = 'process_cpu_seconds_total';

/** What a source read: the figures, or why there are none. */
export type SourceRead = { ok: true; figures: ResourceFigures } | { ok: false; reason: string };

/** The value of a family's unlabelled sample (or its only one), when it is a finite number. */
function sampleValue(families: ReturnType<typeof parsePrometheusTextFormat>, name: string): number | undefined {
  const family = families.find((f) => f.name === name);
  const samples = family?.metrics ?? [];
  const sample =
    samples.find((s) => s.labels === undefined || Object.keys(s.labels).length === 0) ?? (samples.length === 1 ? samples[0] : undefined);
  const value = sample?.value === undefined ? NaN : Number(sample.value);
  return Number.isFinite(value) ? value : undefined;
}

/** Pure: the memory (and CPU, when published) in a Prometheus text exposition. */
export function prometheusFigures(text: string): SourceRead {
  let families: ReturnType<typeof parsePrometheusTextFormat>;
  try {
    families = parsePrometheusTextFormat(text);
  } catch (error) {
    return { ok: false, reason: `not Prometheus text (${(error as Error).message})` };
  }
  if (families.length === 0) return { ok: false, reason: `no Prometheus metrics in the answer (${JSON.stringify(text.slice(0, 60))})` };
  const rssBytes = sampleValue(families, PROMETHEUS_RSS);
  if (rssBytes === undefined) return { ok: false, reason: `it does not publish ${PROMETHEUS_RSS}` };
  const cpuSeconds = sampleValue(families, PROMETHEUS_CPU);
  return { ok: true, figures: cpuSeconds === undefined ? { rssBytes } : { rssBytes, cpuSeconds } };
}

/** Reads and picks the figures; never throws. */
export async function readPrometheus(url: string, timeoutMs = 5000): Promise<SourceRead> {
  try {
    const response = await request(url, { headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
    const text = await response.body.text();
    if (response.statusCode !== 200) return { ok: false, reason: `${url} answered ${response.statusCode}` };
    return prometheusFigures(text);
  } catch (error) {
    return { ok: false, reason: `${url} could not be read: ${(error as Error).message}` };
  }
}
