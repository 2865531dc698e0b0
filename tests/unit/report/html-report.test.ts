import { describe, expect, it } from 'vitest';
import { summarizeHttpPhases, type HttpPhaseSample } from '../../helpers/engine/http-phases.ts';
import { Profiler } from '../../helpers/engine/profiler.ts';
import {
  chartData,
  checkCountsClass,
  checkCountsText,
  countChecks,
  renderHtmlReport,
  specVerdict,
  type TimelineColumns,
} from '../../helpers/report/html-report.ts';
import { escapeHtml } from '../../helpers/report/escape.ts';
import type { SpecReport } from '../../helpers/report/json-report.ts';
import type { TargetVerdict } from '../../helpers/model/index.ts';
import {
  binStatuses,
  CHART_WIDTH,
  latencyOverTimeChart,
  niceTicks,
  OUTCOME_COLORS,
  outcomeColor,
  statusCodesChart,
  thinPoints,
} from '../../helpers/report/svg-charts.ts';
import { latencies, legacyReport, makeReport } from './fixtures.ts';

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
  const burst = makeReport('burst', {
    burst: { latencies: latencies(20, 40), intervalMs: 0 },
    recovery: { latencies: latencies(10, 260) },
  });

  it('shows the sent count and the achieved rate, also from a report of an earlier version (totalRequests, requestsPerSecond)', () => {
    const summary = standard.summaries.load as { sentRequests: number; achievedRps: number };
    const figures = `<td>${summary.sentRequests}</td><td>${summary.sentRequests - 3}</td>`; // Requests, then Success (3 failed)
    const rate = `<td>${summary.achievedRps.toFixed(2)}</td>`;
    for (const report of [standard, legacyReport(standard)]) {
      const html = renderHtmlReport([report], { generatedAt });
      expect(html).toContain(figures);
      expect(html).toContain(rate);
    }
  });

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

  it("still draws an earlier version's targets table, coloured by class; a report of now has none", () => {
    const row = (metric: TargetVerdict['metric'], label: string, value: number, verdict: TargetVerdict['verdict']): TargetVerdict => ({
      metric,
      label,
      unit: metric === 'successRatePercent' ? '%' : 'ms',
      value,
      target: metric === 'successRatePercent' ? 99 : 2000,
      acceptable: metric === 'successRatePercent' ? 95 : 5000,
      higherIsBetter: metric === 'successRatePercent',
      verdict,
    });
    const earlier = makeReport(
      'custom',
      { load: { latencies: latencies(20, 1500) } },
      { targets: [row('successRatePercent', 'Success rate', 100, 'target'), row('p99Ms', 'P99 latency', 12000, 'action required')] },
    );
    const html = renderHtmlReport([earlier], { generatedAt });
    expect(html).toContain('<h3>Targets</h3>');
    expect(html).toMatch(/<td class="verdict action">action required<\/td>/);
    expect(html).toMatch(/<td class="verdict target">target<\/td>/);
    const now = makeReport('custom', { load: { latencies: latencies(20, 1500) } });
    expect(now.targets).toBeUndefined();
    expect(renderHtmlReport([now], { generatedAt })).not.toContain('<h3>Targets</h3>');
  });

  it('escapes every piece of report text', () => {
    const hostile = makeReport(
      'custom',
      { load: { latencies: latencies(10, 100) } },
      {
        title: '<script>alert("t")</script>',
        status: 'error',
        error: 'Error: <img src=x onerror=alert(1)>',
        checks: [{ name: 'a <b>check</b>', outcome: 'failed', detail: '"quoted" & <tag>' }],
      },
    );
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

  it("shows both profile tables and names the HTTP bottleneck as the server's", () => {
    let t = 0;
    const profiler = new Profiler(() => t);
    profiler.measureSync('end_to_end', () => {
      profiler.measureSync('payload_generation', () => (t += 1));
      profiler.measureSync('http_request', () => (t += 100));
    });
    const phases = { waiting_for_connection: 0, connecting: 2, sending: 1, waiting_for_first_byte: 95, receiving_body: 2 };
    const sample: HttpPhaseSample = { origin: 'o', path: '/', status: 200, newConnection: true, phases, totalMs: 100 };
    const report = makeReport(
      'profile',
      { metrics: { latencies: latencies(10, 250) } },
      {
        extra: { profile: profiler.report('end_to_end'), httpPhases: summarizeHttpPhases([sample], { name: 'end_to_end', totalMs: 101 }) },
      },
    );
    const html = renderHtmlReport([report], { generatedAt, bottleneckPercent: 10 });
    expect(html).toContain('Client-side profile (self time)');
    expect(html).toContain('<td>payload_generation</td>');
    expect(html).toContain('HTTP phases (undici diagnostics)');
    expect(html).toContain(escapeHtml("waiting_for_first_byte: 94.1% of end_to_end (avg 95.00 ms) is the server's time"));
    // The threshold the profile spec noted (PROFILE_BOTTLENECK_PERCENT) wins over the page's default.
    const noted = { ...report, extra: { ...report.extra, bottleneckPercent: 99 } };
    expect(renderHtmlReport([noted], { generatedAt, bottleneckPercent: 10 })).toContain('No HTTP phase over 99 % of end_to_end.');
    // An earlier version recorded it in its settings.
    const earlier = { ...report, config: { ...report.config, profile: { bottleneckPercent: 98 } } };
    expect(renderHtmlReport([earlier], { generatedAt })).toContain('No HTTP phase over 98 % of end_to_end.');
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

type Check = SpecReport['checks'][number];
const check = (name: string, outcome: Check['outcome'], detail = ''): Check => ({ name, outcome, detail });
const small = { load: { latencies: latencies(10, 250) } };

/** The overview row of `spec` and the <h2> of its section. */
function places(html: string, spec: string): { row: string; h2: string } {
  const row = new RegExp(`<tr><td><a href="#spec-${spec}">.*?</tr>`).exec(html)?.[0] ?? '';
  const h2 = new RegExp(`<section class="spec" id="spec-${spec}"><h2>.*?</h2>`).exec(html)?.[0] ?? '';
  expect(row, `overview row of ${spec}`).not.toBe('');
  expect(h2, `h2 of ${spec}`).not.toBe('');
  return { row, h2 };
}

describe('check counts in the overview (skipped is not passed)', () => {
  it('shows passed, failed and skipped separately', () => {
    const report = makeReport('mixed', small, {
      checks: [check('a', 'passed'), check('b', 'failed', 'too slow'), check('c', 'skipped', 'no metrics')],
    });
    const { row } = places(renderHtmlReport([report], { generatedAt }), 'mixed');
    expect(row).toContain('<td class="checks action">1 passed, 1 failed, 1 skipped</td>');
    expect(row).not.toMatch(/\d+\/\d+ passed/);
  });

  it('never counts skipped checks as passed ("3/3 passed" with 2 skipped)', () => {
    const report = makeReport('skips', small, { checks: [check('a', 'passed'), check('b', 'skipped', 'x'), check('c', 'skipped', 'y')] });
    const { row } = places(renderHtmlReport([report], { generatedAt }), 'skips');
    expect(row).toContain('1 passed, 0 failed, 2 skipped');
    expect(row).not.toContain('3/3');
    expect(row).not.toContain('3 passed');
  });

  it('colours the cell: failed -> action, all passed -> target, skipped but none failed -> acceptable (warn)', () => {
    const counts = (checks: Check[]) => countChecks(checks);
    expect(checkCountsClass(counts([check('a', 'passed'), check('b', 'failed')]))).toBe('action');
    expect(checkCountsClass(counts([check('a', 'failed'), check('b', 'skipped')]))).toBe('action');
    expect(checkCountsClass(counts([check('a', 'passed'), check('b', 'passed')]))).toBe('target');
    expect(checkCountsClass(counts([check('a', 'passed'), check('b', 'skipped')]))).toBe('acceptable');
    expect(checkCountsClass(counts([check('a', 'skipped')]))).toBe('acceptable');
    expect(checkCountsClass(counts([]))).toBe('neutral');
    const html = renderHtmlReport(
      [
        makeReport('allpass', small, { checks: [check('a', 'passed'), check('b', 'passed')] }),
        makeReport('someskip', small, { checks: [check('a', 'passed'), check('b', 'skipped', 'why')] }),
        makeReport('nochecks', small, { checks: [] }),
      ],
      { generatedAt },
    );
    expect(places(html, 'allpass').row).toContain('<td class="checks target">2 passed, 0 failed, 0 skipped</td>');
    expect(places(html, 'someskip').row).toContain('<td class="checks acceptable">1 passed, 0 failed, 1 skipped</td>');
    expect(places(html, 'nochecks').row).toContain('<td class="checks neutral">no checks</td>');
  });

  it('checkCountsText counts each outcome once', () => {
    expect(checkCountsText(countChecks([check('a', 'passed'), check('b', 'failed'), check('c', 'skipped')]))).toBe(
      '1 passed, 1 failed, 1 skipped',
    );
    expect(checkCountsText(countChecks([]))).toBe('no checks');
  });
});

describe('spec verdict badge (overview row and section <h2>)', () => {
  const verdictOf = (status: SpecReport['status'], checks: Check[]) => specVerdict({ status, checks });

  it('specVerdict: failed > aborted > passed', () => {
    expect(verdictOf('completed', [check('a', 'passed')])).toBe('passed');
    expect(verdictOf('completed', [check('a', 'passed'), check('b', 'skipped', 'r')])).toBe('passed');
    expect(verdictOf('completed', [])).toBe('passed');
    expect(verdictOf('completed', [check('a', 'passed'), check('b', 'failed')])).toBe('failed');
    expect(verdictOf('error', [check('a', 'passed')])).toBe('failed');
    expect(verdictOf('error', [])).toBe('failed');
    expect(verdictOf('aborted', [check('a', 'passed')])).toBe('aborted');
    expect(verdictOf('aborted', [check('a', 'failed')])).toBe('failed');
    expect(verdictOf('mystery' as SpecReport['status'], [])).toBe('failed');
  });

  it('a completed spec with a failed check gets a red "failed" badge in both places, never a green one', () => {
    const report = makeReport('failing', small, {
      status: 'completed',
      checks: [check('a', 'passed'), check('b', 'failed', 'p95 too high')],
    });
    const html = renderHtmlReport([report], { generatedAt });
    for (const [where, text] of Object.entries(places(html, 'failing'))) {
      expect(text, where).toMatch(/<span class="badge failed"[^>]*>failed · completed<\/span>/);
      expect(text, where).not.toMatch(/class="badge (passed|completed)"/);
    }
    // The stylesheet colours only the verdict classes; no "completed" badge is green any more.
    expect(html).not.toMatch(/\.badge\.completed/);
  });

  it('an error run is failed (red), with its status shown', () => {
    const html = renderHtmlReport(
      [makeReport('broken', small, { status: 'error', error: 'Error: boom', checks: [check('a', 'passed')] })],
      { generatedAt },
    );
    for (const text of Object.values(places(html, 'broken')))
      expect(text).toMatch(/<span class="badge failed"[^>]*>failed · error<\/span>/);
  });

  it('an aborted run is aborted (yellow) unless a check failed', () => {
    const html = renderHtmlReport(
      [
        makeReport('stopped', small, { status: 'aborted', checks: [check('a', 'passed')] }),
        makeReport('stoppedfail', small, { status: 'aborted', checks: [check('a', 'failed')] }),
      ],
      { generatedAt },
    );
    for (const text of Object.values(places(html, 'stopped'))) expect(text).toMatch(/<span class="badge aborted"[^>]*>aborted<\/span>/);
    for (const text of Object.values(places(html, 'stoppedfail')))
      expect(text).toMatch(/<span class="badge failed"[^>]*>failed · aborted<\/span>/);
  });

  it('a completed run with no failed check is passed (green); skipped checks stay visible', () => {
    const html = renderHtmlReport(
      [
        makeReport('green', small, { checks: [check('a', 'passed')] }),
        makeReport('greenskip', small, { checks: [check('a', 'passed'), check('b', 'skipped', 'no metrics endpoint')] }),
      ],
      { generatedAt },
    );
    for (const text of Object.values(places(html, 'green')))
      expect(text).toMatch(/<span class="badge passed"[^>]*>passed · completed<\/span>/);
    const { row, h2 } = places(html, 'greenskip');
    expect(row).toMatch(/<span class="badge passed"/);
    expect(row).toContain('1 skipped');
    expect(h2).toMatch(/<span class="badge passed"/);
    expect(h2).toContain('<span class="checks-summary acceptable">1 passed, 0 failed, 1 skipped</span>');
  });
});

describe('skipped checks show their reason', () => {
  const report = makeReport('skipping', small, {
    checks: [
      check('keeps success', 'passed'),
      check('server metrics', 'skipped', 'the provider has no metrics endpoint'),
      check('retry-after', 'skipped', ''),
      check('p95', 'failed', 'p95 900 ms'),
    ],
  });
  const html = renderHtmlReport([report], { generatedAt });
  const item = (name: string) =>
    new RegExp(`<li class="check [a-z]+"><span class="badge [a-z]+">[a-z]+</span> ${name}.*?</li>`).exec(html)?.[0] ?? '';

  it('renders the detail of a skipped check as its reason, in the skipped colour', () => {
    expect(item('server metrics')).toBe(
      '<li class="check skipped"><span class="badge skipped">skipped</span> server metrics<div class="detail reason">the provider has no metrics endpoint</div></li>',
    );
    expect(html).toMatch(/li\.check\.skipped \.detail\{color:#744210\}/);
    expect(html).toMatch(/\.badge\.aborted,\.badge\.skipped\{background:#fefcbf;color:#744210\}/);
  });

  it('says "(no reason recorded)" when a skipped check has an empty detail', () => {
    expect(item('retry-after')).toBe(
      '<li class="check skipped"><span class="badge skipped">skipped</span> retry-after<div class="detail reason missing">(no reason recorded)</div></li>',
    );
    expect(count(html, '(no reason recorded)')).toBe(1);
  });

  it('keeps the other checks as they were (a failed detail shown, an empty passed detail not)', () => {
    expect(item('p95')).toContain('<div class="detail">p95 900 ms</div>');
    expect(item('keeps success')).toBe('<li class="check passed"><span class="badge passed">passed</span> keeps success</li>');
    expect(html).toContain('<h3>Checks: 1 passed, 1 failed, 2 skipped</h3>');
  });
});

describe('status colours come from success (errorClass null), not from the code', () => {
  const GREEN = OUTCOME_COLORS.success;
  const bars = (html: string) =>
    [
      ...html.matchAll(
        /<rect class="bar (success|failure)" data-status="(\d+)" data-outcome="(\w+)"(?: data-error-class="([^"]+)")? [^>]*fill="(#[0-9a-f]+)">/g,
      ),
    ].map((m) => ({
      status: Number(m[2]),
      outcome: m[3],
      errorClass: m[4] ?? null,
      fill: m[5],
    }));

  it('outcomeColor: success colour iff errorClass === null; 429 own colour only as a failure', () => {
    expect(outcomeColor(200, null)).toBe(GREEN);
    expect(outcomeColor(202, null)).toBe(GREEN);
    expect(outcomeColor(302, null)).toBe(GREEN);
    expect(outcomeColor(429, null)).toBe(GREEN); // a service that declares 429 a success
    expect(outcomeColor(200, 'bad_body')).not.toBe(GREEN);
    expect(outcomeColor(200, 'bad_body')).toBe(OUTCOME_COLORS.rejected);
    expect(outcomeColor(201, 'http_201')).toBe(OUTCOME_COLORS.rejected); // a 2xx isSuccess refused
    expect(outcomeColor(429, 'http_429')).toBe(OUTCOME_COLORS.rateLimited);
    expect(outcomeColor(500, 'http_500')).toBe(OUTCOME_COLORS.serverError);
    expect(outcomeColor(404, 'http_404')).toBe(OUTCOME_COLORS.clientError);
    expect(outcomeColor(0, 'connection_refused')).toBe(OUTCOME_COLORS.noResponse);
    expect(outcomeColor(200, undefined)).not.toBe(GREEN); // no class recorded is not a success
    const failureColors = [
      OUTCOME_COLORS.rejected,
      OUTCOME_COLORS.clientError,
      OUTCOME_COLORS.serverError,
      OUTCOME_COLORS.noResponse,
      OUTCOME_COLORS.rateLimited,
    ];
    expect(new Set(failureColors).size).toBe(failureColors.length);
    expect(failureColors).not.toContain(GREEN);
  });

  it('statusCodesChart: a 200 bad_body is a failure bar, a declared-success 202 a success bar', () => {
    const svg = statusCodesChart(
      [0, 1, 2, 3, 4, 5],
      [200, 200, 202, 429, 429, 500],
      [null, 'bad_body', null, 'http_429', null, 'http_500'],
    );
    const found = bars(svg);
    expect(found).toHaveLength(6);
    const of = (status: number, errorClass: string | null) => found.find((b) => b.status === status && b.errorClass === errorClass);
    expect(of(200, null)).toMatchObject({ outcome: 'success', fill: GREEN });
    expect(of(200, 'bad_body')).toMatchObject({ outcome: 'failure', fill: OUTCOME_COLORS.rejected });
    expect(of(202, null)).toMatchObject({ outcome: 'success', fill: GREEN });
    expect(of(429, 'http_429')).toMatchObject({ outcome: 'failure', fill: OUTCOME_COLORS.rateLimited });
    expect(of(429, null)).toMatchObject({ outcome: 'success', fill: GREEN });
    expect(of(500, 'http_500')).toMatchObject({ outcome: 'failure', fill: OUTCOME_COLORS.serverError });
    // The legend names each colour: the success codes together, the rejected 200 by its class.
    expect(svg).toContain('>ok 200, 202, 429</text>');
    expect(svg).toContain('>200 bad_body</text>');
    expect(svg).toContain('>429 rate limited</text>');
  });

  it('a 200 and a failed 200 in the same time bin are stacked as two series', () => {
    const { bins } = binStatuses([0, 0, 0], ['200', '200 bad_body', '200'], 1);
    expect(bins[0]!.counts).toEqual({ 200: 2, '200 bad_body': 1 });
    const svg = statusCodesChart([0, 0, 0], [200, 200, 200], [null, 'bad_body', null]);
    const found = bars(svg);
    expect(found.map((b) => [b.outcome, b.fill])).toEqual([
      ['success', GREEN],
      ['failure', OUTCOME_COLORS.rejected],
    ]);
    expect(svg).toContain('<title>200 ok: 2</title>');
    expect(svg).toContain('<title>200 bad_body: 1</title>');
  });

  it('in a whole report, every bar is green exactly when its requests counted as a success', () => {
    const report = makeReport('outcomes', {
      load: {
        latencies: latencies(30, 250),
        failures: { 3: 500, 7: 429 },
        refused: [11],
        badBody: [14, 15],
        accepted: { 20: 202, 21: 202 },
      },
    });
    const html = renderHtmlReport([report], { generatedAt });
    const found = bars(html);
    expect(found.length).toBeGreaterThan(0);
    for (const bar of found) {
      expect(bar.fill === GREEN, JSON.stringify(bar)).toBe(bar.errorClass === null);
      expect(bar.outcome === 'success').toBe(bar.errorClass === null);
    }
    expect(found.some((b) => b.status === 200 && b.errorClass === 'bad_body')).toBe(true);
    expect(found.some((b) => b.status === 202 && b.outcome === 'success')).toBe(true);
    expect(found.find((b) => b.status === 429)).toMatchObject({ errorClass: 'http_429', fill: OUTCOME_COLORS.rateLimited });
  });

  it('chartData and the latency chart mark a 200 bad_body as a failure and a 202 success as a success', () => {
    const report = makeReport('latency', { load: { latencies: latencies(10, 250), badBody: [2], accepted: { 4: 202 } } });
    const data = chartData(report.timelines.load as TimelineColumns);
    expect(data.statuses).toHaveLength(10);
    expect(data.errorClasses[2]).toBe('bad_body');
    expect(data.errorClasses[4]).toBeNull();
    expect(data.points.find((p) => p.errorClass === 'bad_body')).toMatchObject({ status: 200, failed: true });
    expect(data.points.find((p) => p.status === 202)).toMatchObject({ failed: false, errorClass: null });
    const svg = latencyOverTimeChart(data.points);
    expect(count(svg, '<path class="failure" data-status="200" data-error-class="bad_body"')).toBe(1);
    expect(count(svg, '<circle class="point" data-status="202"')).toBe(1);
    expect(count(svg, 'class="failure"')).toBe(1);
  });

  it('a request with no recorded errorClass is not drawn as a success', () => {
    const timeline: TimelineColumns = {
      intendedStartMs: [0, 1000],
      actualStartMs: [0, 1000],
      endMs: [100, 1100],
      status: [200, 200],
      errorClass: [null],
      responseTimeMs: [100, 100],
    };
    const data = chartData(timeline);
    expect(data.errorClasses).toEqual([null, 'unknown']);
    expect(bars(statusCodesChart(data.placedS, data.statuses, data.errorClasses)).map((b) => b.outcome)).toEqual(['success', 'failure']);
  });

  it('the legend never runs off the chart: what does not fit becomes "+N more"', () => {
    const statuses = [200, 201, 202, 203, 204, 400, 401, 403, 404, 409, 429, 500, 502, 503, 504, 0];
    const classes = statuses.map((s, i) => (i < 5 ? null : s === 0 ? 'timeout' : `http_${s}`));
    const svg = statusCodesChart(
      statuses.map((_, i) => i),
      statuses,
      classes,
    );
    const xs = [...svg.matchAll(/<rect x="([0-9.]+)" y="6"/g)].map((m) => Number(m[1]));
    for (const x of xs) expect(x).toBeLessThan(CHART_WIDTH);
    const more = /<text class="legend-more" x="([0-9.]+)"[^>]*>\+(\d+) more<\/text>/.exec(svg);
    expect(more, 'five colours with many codes do not fit in one row').not.toBeNull();
    expect(Number(more![1]) + 60).toBeLessThanOrEqual(CHART_WIDTH);
    expect(xs.length + Number(more![2])).toBe(5); // one entry per colour: ok, 4xx, 429, 5xx, no response
    const few = statusCodesChart([0, 1], [200, 500], [null, 'http_500']);
    expect(few).not.toContain('legend-more');
  });
});
