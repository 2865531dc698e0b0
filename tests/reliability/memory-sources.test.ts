// The sustained spec's memory check against a service that publishes its memory only as
// Prometheus text (process_resident_memory_bytes; no JSON metrics document: /webhook/metrics is
// 404), run as a user runs it against WEBHOOK_URL with WEBHOOK_PROMETHEUS_URL set. A service
// that keeps 2 MiB per request fails the spec, naming memory and its source; a flat one passes,
// its memory and source in the JSON report. Each run: 40 requests at 600 a minute (about 4 s)
// with a 30 MB bound on growth, so the leak (about 80 MiB) is well past it and a flat service's
// noise well under it.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { SpecReport } from '../helpers/model/index.ts';
import { childEnv, runVitest } from '../support/child-vitest.ts';
import { startPrometheusServer, type PrometheusServer } from './fixtures/prometheus-server.ts';

const SECRET = 'test_secret_key_12345';
const MB = 2 ** 20;
const MAX_GROWTH_MB = 30;

let server: PrometheusServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** Runs the sustained spec against a Prometheus-only service in a child Vitest, bounded; its exit code, output and report. */
async function runSustained(leakBytesPerRequest: number) {
  server = await startPrometheusServer({ secret: SECRET, leakBytesPerRequest });
  const reportDir = mkdtempSync(join(tmpdir(), 'memory-sources-'));
  const env = childEnv({
    WEBHOOK_STACK: 'external',
    WEBHOOK_URL: server.webhookUrl,
    WEBHOOK_SECRET: SECRET,
    WEBHOOK_METRICS_URL: '',
    WEBHOOK_PROMETHEUS_URL: server.prometheusUrl,
    RATE_LIMIT: 'none',
    PERF_BASELINE: '',
    PERF_REPEAT: '1',
    PERF_REPORT_DIR: reportDir,
    PERF_SCALE: '0.2',
    SUSTAINED_REQUESTS: '200',
    SUSTAINED_RATE_PER_MIN: '600',
    SUSTAINED_MAX_RSS_GROWTH_MB: String(MAX_GROWTH_MB),
  });
  const run = await runVitest(['--project', 'performance', 'tests/performance/sustained.spec.ts'], env, 100_000);
  let report: SpecReport | undefined;
  try {
    report = JSON.parse(readFileSync(join(reportDir, 'sustained.json'), 'utf8')) as SpecReport;
  } catch {
    report = undefined;
  }
  const r = report?.serverResources;
  const figures =
    r?.before && r.after
      ? `${(r.before.rssBytes / MB).toFixed(1)} -> ${(r.after.rssBytes / MB).toFixed(1)} MB, CPU ${r.before.cpuSeconds} -> ${r.after.cpuSeconds} s, from ${r.source}`
      : `no readings (${r?.missing?.join('; ') ?? 'no report'})`;
  const verdict = /expected the server's memory[^\n]*/.exec(run.output)?.[0];
  if (verdict !== undefined) console.log(`[memory-sources] ${verdict}`);
  console.log(
    `[memory-sources] leak ${leakBytesPerRequest / MB} MiB/request, served ${server.served}: ${figures}, ${run.seconds.toFixed(0)} s`,
  );
  return { ...run, report };
}

describe('the sustained spec reads the memory of a service that publishes only Prometheus text', () => {
  it('a service that keeps 2 MiB per request fails the memory check, naming memory and the Prometheus source', async () => {
    const run = await runSustained(2 * MB);
    expect(run.code, run.output).not.toBe(0);
    expect(run.output).toMatch(
      new RegExp(
        `expected the server's memory \\(RSS, from prometheus http://127\\.0\\.0\\.1:\\d+/metrics\\) to grow by less than ${MAX_GROWTH_MB} MB over the load: ` +
          'Server RSS: \\d+\\.\\d MB -> \\d+\\.\\d MB \\(\\+\\d+\\.\\d MB\\)',
      ),
    );
    const resources = run.report?.serverResources;
    expect(resources?.source, run.output).toBe(`prometheus ${server!.prometheusUrl}`);
    // 40 requests kept 80 MiB: most of it is resident.
    expect((resources!.after!.rssBytes - resources!.before!.rssBytes) / MB).toBeGreaterThan(60);
    expect(run.report?.checks.find((c) => c.name.startsWith('server memory'))?.outcome).toBe('failed');
    // The load itself was fine: only memory failed.
    expect(run.report?.checks.find((c) => c.name.startsWith('keeps Success rate'))?.outcome).toBe('passed');
  }, 120_000);

  it('a flat service passes, its memory and CPU in the report with their source', async () => {
    const run = await runSustained(0);
    expect(run.code, run.output).toBe(0);
    const resources = run.report?.serverResources;
    expect(resources?.source, run.output).toBe(`prometheus ${server!.prometheusUrl}`);
    expect(resources?.before?.rssBytes).toBeGreaterThan(10 * MB);
    expect(Math.abs(resources!.after!.rssBytes - resources!.before!.rssBytes) / MB).toBeLessThan(MAX_GROWTH_MB);
    expect(resources?.after?.cpuSeconds).toBeGreaterThanOrEqual(resources!.before!.cpuSeconds!);
    expect(run.report?.checks.find((c) => c.name.startsWith('server memory'))?.outcome).toBe('passed');
    // The pool check still needs the metrics document, and says so.
    expect(run.report?.checks.find((c) => c.name.startsWith('leaves no Freshdesk'))).toMatchObject({
      outcome: 'skipped',
      detail: expect.stringContaining('needs freshdesk_pool'),
    });
    expect(run.output).toMatch(
      /Server RSS: \d+\.\d MB -> \d+\.\d MB \([+-]\d+\.\d MB\); CPU \d+\.\d s over the load \(from prometheus http:/,
    );
  }, 120_000);
});
