import { describe, expect, it } from 'vitest';
import { summarizeHttpPhases, type HttpPhaseSample } from '../../helpers/http-phases.ts';
import { Profiler } from '../../helpers/profiler.ts';
import { chartData, renderHtmlReport, type TimelineColumns } from '../../helpers/reports/html-report.ts';
import { escapeHtml } from '../../helpers/reports/escape.ts';
import { binStatuses, niceTicks, thinPoints } from '../../helpers/reports/svg-charts.ts';
import { latencies, makeReport } from './fixtures.ts';

const generatedAt = '2025-01-01T00:02:00.000Z';

function count(html: string, needle: string | RegExp): number {
  return html.split(needle).length - 1;
}

describe('svg chart helpers (pure)', () => {
  it('niceTicks covers the range in round steps', () => {
    expect(niceTicks(0, 97)).toEqual([0, 20, 40, 60, 80, 100]);
    expect(niceTicks(0, 0.9)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    const ticks = niceTicks(0, 1234);
    expect(ticks[0]).toBe(0);
    expect(ticks.at(-1)!).toBeGreaterThanOrEqual(1234);
  });

  it('binStatuses counts every request once, by status and time', () => {
    const { bins } = binStatuses([0, 1, 2, 9, 10], [200, 429, 200, 200, 500], 5);
    expect(bins).toHaveLength(5);
    expect(bins[0]!.counts).toEqual({ 200: 1, 429: 1 });
    expect(bins[4]!.counts).toEqual({ 200: 1, 500: 1 });
    expect(bins.reduce((n, b) => n + Object.values(b.counts).reduce((a, c) => a + c, 0), 0)).toBe(5);
  });

  it('thinPoints keeps every failure and at most the limit', () => {
    const points = Array.from({ length: 1000 }, (_, i) => ({ tS: i, valueMs: i, failed: i % 97 === 0 }));
    const thin = thinPoints(points, 100);
    expect(thin.length).toBeLessThanOrEqual(100);
    expect(thin.filter((p) => p.failed)).toHaveLength(points.filter((p) => p.failed).length);
  });
});

describe('renderHtmlReport', () => {
  const standard = makeReport('standard', { load: { latencies: latencies(40, 250), failures: { 5: 500, 17: 429 }, refused: [30] } });
  const burst = makeReport('burst', { burst: { latencies: latencies(20, 40), intervalMs: 0 }, recovery: { latencies: latencies(10, 260) } });

  it('draws four charts per phase and one section per spec', () => {
    const html = renderHtmlReport([standard, burst], { generatedAt });
    expect(count(html, '<section class="spec"')).toBe(2);
    for (const chart of ['latency-over-time', 'latency-histogram', 'status-codes', 'schedule-lag']) {
      expect(count(html, `data-chart="${chart}"`), chart).toBe(3); // standard/load, burst/burst, burst/recovery
    }
  });

  it('marks every failure on the latency chart and colours statuses', () => {
    const html = renderHtmlReport([standard], { generatedAt });
    expect(count(html, 'class="failure"')).toBe(3); // the 500, the 429 and the refused request
    expect(count(html, 'class="point"')).toBe(37);
    expect(html).toContain('data-status="429"');
    expect(html).toContain('data-status="500"');
    expect(html).toContain('data-status="0"');
  });

  it('draws P50 < P95 < P99 lines on the distribution at their values', () => {
    const html = renderHtmlReport([standard], { generatedAt });
    const x = (label: string) => Number(new RegExp(`data-label="${label}" x1="([0-9.]+)"`).exec(html)?.[1]);
    expect(x('P50')).toBeLessThan(x('P95'));
    expect(x('P95')).toBeLessThan(x('P99'));
    expect(html).toMatch(/P95 \d+ ms/);
  });

  it('colours the targets table by class', () => {
    const slow = makeReport('custom', { load: { latencies: latencies(20, 1500) } });
    const html = renderHtmlReport([slow], { generatedAt });
    expect(html).toMatch(/<td class="verdict action">action required<\/td>/);
    expect(html).toMatch(/<td class="verdict target">target<\/td>/); // success rate 100 %
  });

  it('escapes every piece of report text', () => {
    const hostile = makeReport('custom', { load: { latencies: latencies(10, 100) } }, {
      title: '<script>alert("t")</script>',
      status: 'error',
      error: 'Error: <img src=x onerror=alert(1)>',
      checks: [{ name: 'a <b>check</b>', outcome: 'failed', detail: '"quoted" & <tag>' }],
    });
    const html = renderHtmlReport([hostile], { generatedAt });
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toContain('<img');
    expect(html).toContain(escapeHtml('<script>alert("t")</script>'));
    expect(html).toContain('&quot;quoted&quot; &amp; &lt;tag&gt;');
  });

  it('is self-contained: no script, no external resource', () => {
    const html = renderHtmlReport([standard, burst], { generatedAt });
    expect(html).not.toMatch(/<script|<link|<img|\bsrc=|@import|url\(/i);
    const urls = html.match(/https?:\/\/[^\s"'<]+/g) ?? [];
    // Only the SVG namespace and the provider's own loopback URLs (as text) appear.
    expect(urls.filter((u) => u !== 'http://www.w3.org/2000/svg' && !u.startsWith('http://127.0.0.1'))).toEqual([]);
    expect(html).toContain("default-src 'none'");
  });

  it('shows both profile tables and names the HTTP bottleneck as the server\'s', () => {
    let t = 0;
    const profiler = new Profiler(() => t);
    profiler.measureSync('end_to_end', () => {
      profiler.measureSync('payload_generation', () => (t += 1));
      profiler.measureSync('http_request', () => (t += 100));
    });
    const phases = { waiting_for_connection: 0, connecting: 2, sending: 1, waiting_for_first_byte: 95, receiving_body: 2 };
    const sample: HttpPhaseSample = { origin: 'o', path: '/', status: 200, newConnection: true, phases, totalMs: 100 };
    const report = makeReport('profile', { metrics: { latencies: latencies(10, 250) } }, {
      extra: { profile: profiler.report('end_to_end'), httpPhases: summarizeHttpPhases([sample], { name: 'end_to_end', totalMs: 101 }) },
    });
    const html = renderHtmlReport([report], { generatedAt, bottleneckPercent: 10 });
    expect(html).toContain('Client-side profile (self time)');
    expect(html).toContain('<td>payload_generation</td>');
    expect(html).toContain('HTTP phases (undici diagnostics)');
    expect(html).toContain(escapeHtml("waiting_for_first_byte: 94.1% of end_to_end (avg 95.00 ms) is the server's time"));
  });

  it('charts a burst (all due at once) by completion time', () => {
    const data = chartData(burst.timelines.burst as TimelineColumns);
    expect(data.timeLabel).toBe('completion (s)');
    expect(new Set(data.placedS).size).toBeGreaterThan(1);
    expect(chartData(standard.timelines.load as TimelineColumns).timeLabel).toBe('intended start (s)');
  });

  it('says so when there are no reports', () => {
    expect(renderHtmlReport([], { generatedAt })).toContain('No spec reports were found');
  });

  it('chartData keeps failures without a latency as marked points and no latency', () => {
    const timeline = standard.timelines.load as TimelineColumns;
    const data = chartData(timeline);
    expect(data.latencies).toHaveLength(39); // the refused request has no latency
    expect(data.points.filter((p) => p.failed)).toHaveLength(3);
    expect(data.timesS).toHaveLength(40);
    expect(data.lagsMs.every((lag) => Math.abs(lag - 0.5) < 1e-9)).toBe(true);
  });
});
