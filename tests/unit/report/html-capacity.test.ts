// The capacity spec's result in the HTML: its chart (offered rate against P95 and success rate)
// and its section, read from the report's extra.capacity.
import { describe, expect, it } from 'vitest';
import { afterRamp, afterStep, capacityResult, type CapacitySettings, type StepRecord } from '../../helpers/analysis/capacity.ts';
import { capacitySection, renderHtmlReport } from '../../helpers/report/html-report.ts';
import { capacityChart, type CapacityPoint } from '../../helpers/report/svg-charts.ts';
import { makeReport } from './fixtures.ts';

const settings: CapacitySettings = {
  slo: { minSuccessPercent: 99, maxP95Ms: 200 },
  startRps: 20,
  maxRps: 1000,
  growth: 2,
  tolerancePercent: 10,
  minRequests: 50,
  minDurationMs: 3000,
  maxLagMs: 50,
  policy: null,
  maxDurationMs: 300_000,
  maxRequests: 100_000,
};

function record(kind: 'ramp' | 'step', rps: number, p95Ms: number, successRatePercent = 100): StepRecord {
  const ok = p95Ms < 200 && successRatePercent > 99;
  return {
    kind,
    figures: { rps, sent: 300, judged: 300, successes: 300, rateLimited: 0, errors: 0, slow: 0, successRatePercent, p95Ms, lagP99Ms: 1.5 },
    verdict: { ok, limitedBy: ok ? null : 'latency', text: ok ? 'meets the SLOs' : `P95 ${p95Ms} ms, not below 200 ms` },
  };
}

function searched() {
  let state = afterRamp([record('ramp', 20, 50), record('ramp', 40, 50), record('ramp', 80, 50), record('ramp', 160, 1700)], true);
  for (const [rps, p95] of [
    [120, 600],
    [100, 50],
    [110, 330],
    [105, 190],
  ] as const) {
    state = afterStep(state, record('step', rps, p95));
  }
  return capacityResult(state, settings, 'narrow');
}

describe('the capacity chart', () => {
  const points: CapacityPoint[] = [
    { rps: 20, p95Ms: 50, successRatePercent: 100, ok: true, kind: 'ramp' },
    { rps: 160, p95Ms: 1700, successRatePercent: 100, ok: false, kind: 'ramp' },
    { rps: 100, p95Ms: null, successRatePercent: 40, ok: false, kind: 'step' },
  ];

  it('one P95 mark per step with a P95, one success mark per step; the SLOs, the bracket and the capacity', () => {
    const svg = capacityChart(points, { maxP95Ms: 200, minSuccessPercent: 99, low: 20, high: 100 });
    expect(svg).toContain('data-chart="capacity"');
    expect(svg.match(/class="point p95"/g)).toHaveLength(2);
    expect(svg.match(/class="point success"/g)).toHaveLength(3);
    expect(svg).toContain('class="slo-p95"');
    expect(svg).toContain('class="slo-success"');
    expect(svg).toContain('class="bracket"');
    expect(svg).toContain('class="capacity"');
    expect(svg).toContain('capacity 20/s');
    // Failed steps are marked, and say why in their tooltip.
    expect(svg).toMatch(/data-rps="160" data-kind="ramp" data-ok="false"/);
    expect(svg).toContain('step at 100/s: P95 n/a, success 40.00 % (fails the SLOs)');
    // The series are joined in order of rate, whatever order the steps ran in.
    const d = /class="line p95" d="([^"]+)"/.exec(svg)![1]!;
    const xs = [...d.matchAll(/[ML]([\d.]+) /g)].map((m) => Number(m[1]));
    expect(xs).toEqual([...xs].sort((a, b) => a - b));
  });

  it('no bracket without a high end, and an empty chart without steps', () => {
    expect(capacityChart(points, { maxP95Ms: 200, minSuccessPercent: 99, low: 160, high: null })).not.toContain('class="bracket"');
    expect(capacityChart([], { maxP95Ms: 200, minSuccessPercent: 99, low: 0, high: null })).toContain('No steps were run');
  });
});

describe('the capacity section', () => {
  it('says the capacity, its bracket and what limited it, with the chart and the steps', () => {
    const html = capacitySection(searched());
    expect(html).toContain('<h3>Capacity: 105 req/s</h3>');
    expect(html).toContain('Knee 105–110/s (width 4.8 %); limited by <strong>latency (P95 over the SLO)</strong>');
    expect(html).toContain('data-limited-by="latency"');
    expect(html).toContain('data-chart="capacity"');
    expect(html.match(/<tr><td>(ramp|step)<\/td>/g)).toHaveLength(8);
    expect(html).not.toContain('lower bound');
  });

  it("names a service that fell behind as its throughput's limit", () => {
    const behind = { ...searched(), limitedBy: 'throughput' as const };
    expect(capacitySection(behind)).toContain('limited by <strong>the service&#39;s throughput (it fell behind what was offered)</strong>');
  });

  it('a lower bound says so', () => {
    const state = afterRamp([record('ramp', 20, 50), record('ramp', 40, 50)], true);
    const html = capacitySection(capacityResult(state, { ...settings, maxRps: 40 }, 'ceiling'));
    expect(html).toContain('data-lower-bound="true"');
    expect(html).toContain('Knee at least 40/s');
    expect(html).toContain('nothing within the search');
  });

  it('the page draws it from the report (extra.capacity), with the ramp as its own phase', () => {
    const ramp = makeReport('x', { ramp: { latencies: [50, 60, 70], intervalMs: 50 } });
    const report = makeReport(
      'capacity',
      {},
      {
        extra: { capacity: searched(), capacityRamp: { summary: ramp.summaries.ramp, timeline: ramp.timelines.ramp } },
      },
    );
    const html = renderHtmlReport([report], { generatedAt: '2025-01-01T00:00:00.000Z' });
    expect(html).toContain('<section class="capacity" data-capacity-rps="105" data-limited-by="latency">');
    expect(html).toContain('<h3>Phase: capacity ramp</h3>');
    // A report without a capacity has no such section.
    expect(renderHtmlReport([makeReport('custom', {})], { generatedAt: 'now' })).not.toContain('class="capacity"');
  });
});
