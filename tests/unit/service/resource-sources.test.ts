// The server's memory and CPU from wherever it publishes them: the parsing of each source's
// answer (Prometheus text, /proc, ps, Docker's stats), the order the sources are tried in,
// and the reasons kept when none has them. Negative controls: a source that lacks the figure,
// or answers something else, is a reason, never a zero.
import { describe, expect, it } from 'vitest';
import type { StackEndpoints } from '../../helpers/model/index.ts';
import { containerFigures } from '../../helpers/service/container-stats.ts';
import { cpuSecondsFromProcStat, readProcess, rssFromProcStatus, rssFromPs } from '../../helpers/service/process-stats.ts';
import { prometheusFigures } from '../../helpers/service/prometheus.ts';
import {
  chooseResourceSource,
  documentFigures,
  resourceSources,
  resourcesAround,
  resourcesMissing,
  type ResourceReaders,
  type SourceRead,
} from '../../helpers/service/resource-sources.ts';

const MB = 2 ** 20;

describe('prometheusFigures', () => {
  // What prom-client's collectDefaultMetrics() publishes (abridged).
  const promClient = [
    '# HELP process_cpu_user_seconds_total Total user CPU time spent in seconds.',
    '# TYPE process_cpu_user_seconds_total counter',
    'process_cpu_user_seconds_total 0.81',
    '# HELP process_cpu_seconds_total Total user and system CPU time spent in seconds.',
    '# TYPE process_cpu_seconds_total counter',
    'process_cpu_seconds_total 1.25',
    '# HELP process_resident_memory_bytes Resident memory size in bytes.',
    '# TYPE process_resident_memory_bytes gauge',
    'process_resident_memory_bytes 58720256',
    '# HELP nodejs_heap_size_used_bytes Process heap size used from Node.js in bytes.',
    '# TYPE nodejs_heap_size_used_bytes gauge',
    'nodejs_heap_size_used_bytes 9.1e+06',
    'http_requests_total{method="post",code="200"} 1027',
  ].join('\n');

  it("reads prom-client's process metrics", () => {
    expect(prometheusFigures(promClient)).toEqual({ ok: true, figures: { rssBytes: 58720256, cpuSeconds: 1.25 } });
  });

  it("reads prometheus_client's (Python), in exponent notation, without CPU when it is not published", () => {
    const python = '# TYPE process_resident_memory_bytes gauge\nprocess_resident_memory_bytes 4.5056e+07\n';
    expect(prometheusFigures(python)).toEqual({ ok: true, figures: { rssBytes: 45056000 } });
  });

  it('negative controls: other metrics only, NaN, HTML or JSON are reasons, not figures', () => {
    expect(prometheusFigures('nodejs_heap_size_used_bytes 9100000\n')).toEqual({
      ok: false,
      reason: 'it does not publish process_resident_memory_bytes',
    });
    expect(prometheusFigures('process_resident_memory_bytes NaN\n')).toMatchObject({ ok: false });
    expect(prometheusFigures('<html><body>Not found</body></html>')).toMatchObject({ ok: false, reason: /no Prometheus metrics/ });
    expect(prometheusFigures('{"process":{"rss_bytes":1}}')).toMatchObject({ ok: false, reason: /no Prometheus metrics/ });
  });
});

describe('the process (embedded)', () => {
  it('reads VmRSS and utime + stime (a name with spaces and parentheses does not shift the fields)', () => {
    expect(rssFromProcStatus('Name:\tnode\nVmPeak:\t  999 kB\nVmRSS:\t   51200 kB\nVmData:\t 1 kB\n')).toBe(50 * MB);
    const stat = '4242 (node (webhook) x) S 1 4242 4242 0 -1 4194560 7000 0 3 0 250 75 0 0 20 0 11 0 1188064 1 2 3';
    expect(cpuSecondsFromProcStat(stat)).toBe(3.25);
    expect(rssFromPs('  51200\n')).toBe(50 * MB);
  });

  it('negative controls: no VmRSS (a zombie), a short stat, an empty ps', () => {
    expect(rssFromProcStatus('Name:\tnode\nState:\tZ (zombie)\n')).toBeUndefined();
    expect(cpuSecondsFromProcStat('4242 (node) Z 1')).toBeUndefined();
    expect(rssFromPs('')).toBeUndefined();
  });

  it('reads a live process (this one), and a pid that is gone is a reason', async () => {
    const own = await readProcess(process.pid);
    expect(own).toMatchObject({ ok: true });
    if (own.ok) expect(own.figures.rssBytes).toBeGreaterThan(10 * MB);
    expect(await readProcess(2 ** 22 + 1)).toMatchObject({ ok: false, reason: /could not be read/ });
  });
});

describe('the container (compose)', () => {
  it('counts memory as `docker stats` does: usage less the inactive page cache (cgroup v2 and v1); CPU in seconds', () => {
    const v2 = {
      memory_stats: { usage: 120 * MB, stats: { inactive_file: 20 * MB } },
      cpu_stats: { cpu_usage: { total_usage: 2_500_000_000 } },
    };
    expect(containerFigures(v2)).toEqual({ ok: true, figures: { rssBytes: 100 * MB, cpuSeconds: 2.5 } });
    const v1 = { memory_stats: { usage: 90 * MB, stats: { total_inactive_file: 10 * MB } } };
    expect(containerFigures(v1)).toEqual({ ok: true, figures: { rssBytes: 80 * MB } });
  });

  it('negative control: a stopped container (empty memory_stats) is a reason', () => {
    expect(containerFigures({ memory_stats: {}, cpu_stats: {} })).toMatchObject({ ok: false, reason: /no memory_stats.usage/ });
    expect(containerFigures(null)).toMatchObject({ ok: false });
  });
});

describe('the sources, in order', () => {
  const stack = (extra: Partial<StackEndpoints> = {}): StackEndpoints => ({
    provider: 'embedded',
    reason: 'test',
    webhookUrl: 'http://127.0.0.1:1/webhook/freshdesk',
    healthUrl: null,
    metricsUrl: 'http://127.0.0.1:1/webhook/metrics',
    details: {},
    ...extra,
  });
  const has = (rssMb: number): SourceRead => ({ ok: true, figures: { rssBytes: rssMb * MB } });
  const lacks = (reason: string): SourceRead => ({ ok: false, reason });

  /** Readers that answer as told and record what was read. */
  function readers(answers: Partial<Record<keyof ResourceReaders, SourceRead>>, read: string[]): ResourceReaders {
    const answer = (name: keyof ResourceReaders) => async () => {
      read.push(name);
      return answers[name] ?? lacks(`${name} says no`);
    };
    return {
      metricsDocument: async () => {
        read.push('metricsDocument');
        const doc = answers.metricsDocument;
        return doc?.ok
          ? { available: true, metrics: { missing: [], rssBytes: doc.figures.rssBytes } }
          : { available: true, metrics: { missing: [] } };
      },
      prometheus: answer('prometheus'),
      container: answer('container'),
      process: answer('process'),
    };
  }

  it('the metrics document first: the other sources are not read', async () => {
    const read: string[] = [];
    const sources = resourceSources(
      stack({ prometheusUrl: 'http://127.0.0.1:2/metrics', servicePid: 42 }),
      readers({ metricsDocument: has(80), process: has(1) }, read),
    );
    const choice = await chooseResourceSource(sources);
    expect(choice.source?.name).toBe('metrics document http://127.0.0.1:1/webhook/metrics');
    expect(read).toEqual(['metricsDocument']);
  });

  it('then Prometheus, then the container, then the process; reasons of those passed over are kept', async () => {
    const read: string[] = [];
    const all = stack({ prometheusUrl: 'http://127.0.0.1:2/metrics', serviceContainerId: 'abcdef0123456789', servicePid: 42 });
    const choice = await chooseResourceSource(resourceSources(all, readers({ container: has(100) }, read)));
    expect(choice.source?.name).toBe('container abcdef012345');
    expect(read).toEqual(['metricsDocument', 'prometheus', 'container']);
    expect(choice.reasons).toEqual([
      'metrics document http://127.0.0.1:1/webhook/metrics: the document lacks process.rss_bytes',
      'prometheus http://127.0.0.1:2/metrics: prometheus says no',
    ]);
    const process = await chooseResourceSource(resourceSources(stack({ servicePid: 42 }), readers({ process: has(60) }, [])));
    expect(process.source?.name).toBe('process 42');
  });

  it('none: every source says why, and the memory check skips with all of it', async () => {
    const external = stack({ provider: 'external' });
    const choice = await chooseResourceSource(resourceSources(external, readers({}, [])));
    const resources = resourcesAround(choice, undefined);
    expect(resources).toEqual({
      missing: [
        'metrics document http://127.0.0.1:1/webhook/metrics: the document lacks process.rss_bytes',
        'prometheus: WEBHOOK_PROMETHEUS_URL is not set',
        'container: the service runs in no container of this run (provider external)',
        'process: the service is no process this run started (provider external)',
      ],
    });
    expect(resourcesMissing(resources)).toMatch(
      /^needs the server's memory, and no source had it: metrics document .*; prometheus: WEBHOOK_PROMETHEUS_URL is not set; container: .*; process: /,
    );
  });

  it('the source chosen before the load is the one read after it; failing then is a reason too', async () => {
    const choice = await chooseResourceSource(resourceSources(stack({ servicePid: 7 }), readers({ process: has(60) }, [])));
    expect(resourcesAround(choice, has(70))).toEqual({ source: 'process 7', before: { rssBytes: 60 * MB }, after: { rssBytes: 70 * MB } });
    expect(resourcesMissing(resourcesAround(choice, has(70)))).toBeUndefined();
    const gone = resourcesAround(choice, lacks('pid 7 could not be read'));
    expect(gone).toEqual({
      source: 'process 7',
      before: { rssBytes: 60 * MB },
      missing: ['process 7: pid 7 could not be read (after the load)'],
    });
    expect(resourcesMissing(gone)).toBe("needs the server's memory from process 7: process 7: pid 7 could not be read (after the load)");
  });

  it("the metrics document's figure, or why not", () => {
    expect(documentFigures({ available: true, metrics: { missing: [], rssBytes: 5 } })).toEqual({ ok: true, figures: { rssBytes: 5 } });
    expect(documentFigures({ available: true, metrics: { missing: [] } })).toEqual({
      ok: false,
      reason: 'the document lacks process.rss_bytes',
    });
    expect(documentFigures({ available: false, reason: 'answered 404' })).toEqual({ ok: false, reason: 'answered 404' });
  });
});
