// The generator's resources in the console summary and in the HTML (html-resources.ts), with
// and without the server's memory, and reports written before the figures existed.
import { describe, expect, it } from 'vitest';
import { generatorVerdict, type GeneratorResources, type MeasuredResources } from '../../helpers/engine/resources.ts';
import type { LoadTestSummary } from '../../helpers/engine/summary.ts';
import { formatSummary, generatorLines } from '../../helpers/report/console.ts';
import { renderHtmlReport } from '../../helpers/report/html-report.ts';
import { resourcesTable, serverResourcesNote, serverRss } from '../../helpers/report/html-resources.ts';
import type { SpecReport } from '../../helpers/report/json-report.ts';
import type { ServerMetrics } from '../../helpers/service/metrics-client.ts';
import { latencies, legacyReport, makeReport, resultsOf } from './fixtures.ts';

const MB = 2 ** 20;

function measured(elu: number, cpuMs: number, delay?: number): MeasuredResources {
  return {
    wallMs: 1000,
    userCpuMs: cpuMs - 20,
    systemCpuMs: 20,
    eventLoopUtilization: elu,
    ...(delay === undefined ? {} : { eventLoopDelayP99Ms: delay }),
  };
}

const headroom = generatorVerdict(measured(0.61, 430, 4.1), { mode: 'rate', lagP99Ms: 1.2, slotWaits: 0 });
const busyOnTime = generatorVerdict(measured(0.95, 700, 9), { mode: 'rate', lagP99Ms: 3, slotWaits: 0 });
const limited = generatorVerdict(measured(0.99, 1000, 40), { mode: 'rate', lagP99Ms: 85, slotWaits: 0 });

function summaryWith(generator?: GeneratorResources): LoadTestSummary {
  const summary = resultsOf({ latencies: latencies(10, 200), intervalMs: 100 }).getSummary();
  return generator === undefined ? summary : { ...summary, generator };
}

const metrics = (rssMb?: number): ServerMetrics => ({ missing: [], ...(rssMb === undefined ? {} : { rssBytes: rssMb * MB }) });

describe('console: the generator line', () => {
  it('prints CPU, event loop and delay on one line, after the schedule', () => {
    const text = formatSummary(summaryWith(headroom));
    expect(text).toMatch(/\nSchedule: [^\n]*\nGenerator: CPU 43 % of one core, event loop 61 % busy \(p99 delay 4\.1 ms\)\n/);
    expect(text).not.toContain('GENERATOR-LIMITED');
  });

  it('warns when the run was generator-limited', () => {
    const lines = generatorLines(limited);
    expect(lines[0]).toBe('Generator: CPU 100 % of one core, event loop 99 % busy (p99 delay 40.0 ms)');
    expect(lines[1]).toMatch(/^GENERATOR-LIMITED: The generator was busy .*schedule lag P99 85\.0 ms, over 10 ms/);
    expect(lines[1]).toContain(
      'the figures measure the load generator, not the service; lower the rate or run the generator on a bigger machine',
    );
    expect(formatSummary(summaryWith(limited))).toContain(lines[1]);
  });

  it("adds the note of a busy generator that kept pace, and leaves out a delay that wasn't sampled", () => {
    expect(generatorLines(busyOnTime)[1]).toMatch(/^ {2}Busy \(event loop 95 % busy, CPU 70 % of one core\) but on schedule/);
    const { eventLoopDelayP99Ms: _unsampled, ...noDelay } = headroom;
    expect(generatorLines(noDelay)).toEqual(['Generator: CPU 43 % of one core, event loop 61 % busy']);
  });

  it('prints n/a for figures a JSON round trip turned into null, and no line for a summary without figures', () => {
    const roundTrip = JSON.parse(JSON.stringify({ ...headroom, cpuPercent: Number.NaN, eventLoopUtilization: Number.NaN }));
    expect(generatorLines(roundTrip)[0]).toBe('Generator: CPU n/a % of one core, event loop n/a % busy (p99 delay 4.1 ms)');
    expect(formatSummary(summaryWith())).not.toContain('Generator:');
  });
});

describe('html: resourcesTable', () => {
  it("shows the generator's figures and verdict beside the server's RSS before and after", () => {
    const html = resourcesTable(summaryWith(headroom), { before: metrics(180.25), after: metrics(201.5) });
    expect(html).toContain('data-generator-limited="false"');
    expect(html).toContain('<td>43 %</td><td>410 / 20 ms</td><td>61 %</td><td>4.1 ms</td><td class="verdict target">headroom</td>');
    expect(html).toContain('<td>180.3 → 201.5 MB (+21.3 MB)</td>');
    expect(html).toContain('<p class="muted">Generator: Headroom: event loop 61 % busy');
  });

  it('says when the server does not publish its memory, or was not read', () => {
    expect(resourcesTable(summaryWith(headroom), { before: metrics(), after: metrics() })).toContain('<td>not published</td>');
    expect(resourcesTable(summaryWith(headroom))).toContain('<td>not read</td>');
    expect(serverRss({})).toBe('not read');
    expect(serverRss({ unavailableReason: 'answered 404' })).toBe('unavailable');
    expect(serverRss({ after: metrics(64) })).toBe('n/a → 64.0 MB');
  });

  it('names the source of the memory; without one, says so and lists each reason', () => {
    const fromPrometheus = {
      source: 'prometheus http://127.0.0.1:9/metrics',
      before: { rssBytes: 50 * MB, cpuSeconds: 1 },
      after: { rssBytes: 52.5 * MB, cpuSeconds: 3.5 },
    };
    // The readings win over the document's figures (the document may lack them).
    expect(resourcesTable(summaryWith(headroom), { before: metrics(), after: metrics() }, fromPrometheus)).toContain(
      '<td>50.0 → 52.5 MB (+2.5 MB), prometheus http://127.0.0.1:9/metrics</td>',
    );
    expect(serverResourcesNote(fromPrometheus)).toBe(
      '<p class="server-resources" data-source="prometheus http://127.0.0.1:9/metrics"><strong>Server memory</strong> ' +
        '(from prometheus http://127.0.0.1:9/metrics): 50.0 → 52.5 MB (+2.5 MB); CPU 2.5 s over the load</p>',
    );
    const none = { missing: ['prometheus: WEBHOOK_PROMETHEUS_URL is not set', 'process: the service is no process this run started'] };
    expect(serverRss({ unavailableReason: 'answered 404' }, none)).toBe('no source');
    expect(serverResourcesNote(none)).toBe(
      '<p class="muted">Server memory not read, no source had it: prometheus: WEBHOOK_PROMETHEUS_URL is not set; process: the service is no process this run started</p>',
    );
    expect(serverResourcesNote(undefined)).toBe('');
  });

  it('marks a generator-limited run, and a busy one that kept pace', () => {
    const html = resourcesTable(summaryWith(limited));
    expect(html).toContain('data-generator-limited="true"');
    expect(html).toContain('<td class="verdict action">generator-limited</td>');
    expect(html).toMatch(/<p class="fail">GENERATOR-LIMITED: The generator was busy/);
    expect(resourcesTable(summaryWith(busyOnTime))).toContain('<td class="verdict acceptable">busy, kept pace</td>');
  });

  it('is empty for a summary without generator figures, or none at all', () => {
    expect(resourcesTable(summaryWith(), { after: metrics(10) })).toBe('');
    expect(resourcesTable(undefined)).toBe('');
  });
});

describe('html: the resources in the page', () => {
  function withGenerator(report: SpecReport, generator: GeneratorResources): SpecReport {
    const summaries = Object.fromEntries(Object.entries(report.summaries).map(([phase, s]) => [phase, { ...(s as object), generator }]));
    return JSON.parse(JSON.stringify({ ...report, summaries })) as SpecReport;
  }

  it("puts one table in every phase's section, with the spec's server RSS", () => {
    const report = withGenerator(
      makeReport('burst', { burst: { latencies: latencies(20, 40), intervalMs: 0 }, recovery: { latencies: latencies(10, 260) } }),
      limited,
    );
    const html = renderHtmlReport([{ ...report, serverMetrics: { before: metrics(100), after: metrics(110) } }], { generatedAt: 'now' });
    expect(html.split('<table class="resources"').length - 1).toBe(2);
    expect(html.split('<td>100.0 → 110.0 MB (+10.0 MB)</td>').length - 1).toBe(2);
    const phase = html.slice(html.indexOf('<h3>Phase: recovery</h3>'));
    expect(phase.indexOf('class="resources"')).toBeLessThan(phase.indexOf('</section>'));
  });

  it('renders a report written before the figures existed (and one before the summary rename) without the table', () => {
    const old = makeReport('standard', { load: { latencies: latencies(20, 250) } });
    for (const report of [old, legacyReport(old)]) {
      const html = renderHtmlReport([report], { generatedAt: 'now' });
      expect(html).toContain('<h3>Phase: load</h3>');
      expect(html).not.toContain('class="resources"');
    }
  });
});
