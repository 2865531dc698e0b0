// The HTML's server metrics say what they are: lifetime counters before and after, and the change
// over the spec's load beside them.
import { describe, expect, it } from 'vitest';
import { renderHtmlReport } from '../../helpers/report/html-report.ts';
import type { SpecReport } from '../../helpers/model/index.ts';

const report = {
  spec: 'standard',
  title: 'standard',
  status: 'completed',
  runStartedAt: '2026-12-06T09:00:00.000Z',
  startedAt: '2026-12-06T09:00:00.000Z',
  finishedAt: '2026-12-06T09:01:00.000Z',
  scale: 1,
  provider: { provider: 'embedded', webhookUrl: 'http://127.0.0.1:1/webhook/freshdesk' },
  config: {},
  machine: {},
  summaries: {},
  checks: [],
  timelines: {},
  serverMetrics: {
    before: { successCount: 1100, failureCount: 52, missing: [] },
    after: { successCount: 1200, failureCount: 52, missing: [] },
  },
} as unknown as SpecReport;

describe('server metrics in the HTML', () => {
  it('labels the counters as lifetime figures and gives their change over the load', () => {
    const html = renderHtmlReport([report], { generatedAt: 'now' });
    expect(html).toContain('<th>Before (lifetime)</th><th>After (lifetime)</th><th>Over this load</th>');
    expect(html).toMatch(/<td>success_count<\/td><td>1100<\/td><td>1200<\/td><td>100<\/td>/);
    expect(html).toMatch(/<td>failure_count<\/td><td>52<\/td><td>52<\/td><td>0<\/td>/);
  });
});
