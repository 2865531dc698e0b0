// The HTML's server metrics say what they are: lifetime counters before and after, and the change
// over the spec's load beside them.
import { describe, expect, it } from 'vitest';
import { renderHtmlReport } from '../../helpers/report/html-report.ts';
import { makeReport } from './fixtures.ts';

const report = makeReport(
  'standard',
  {},
  {
    serverMetrics: {
      before: { successCount: 1100, failureCount: 52, missing: [] },
      after: { successCount: 1200, failureCount: 52, missing: [] },
    },
  },
);

describe('server metrics in the HTML', () => {
  it('labels the counters as lifetime figures and gives their change over the load', () => {
    const html = renderHtmlReport([report], { generatedAt: 'now' });
    expect(html).toContain('<th>Before (lifetime)</th><th>After (lifetime)</th><th>Over this load</th>');
    expect(html).toMatch(/<td>success_count<\/td><td>1100<\/td><td>1200<\/td><td>100<\/td>/);
    expect(html).toMatch(/<td>failure_count<\/td><td>52<\/td><td>52<\/td><td>0<\/td>/);
  });
});
