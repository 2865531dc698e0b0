// Warnings that stick: the run's own once, each spec's after it, each text once, in the end block,
// summary.md and the HTML.
import { describe, expect, it } from 'vitest';
import { renderCiSummary } from '../../helpers/report/ci-summary.ts';
import { renderHtmlReport } from '../../helpers/report/html-report.ts';
import { runWarnings, warningsBlock } from '../../helpers/report/index.ts';
import { makeReport } from './fixtures.ts';

const typo = 'config: STANDARD_REQUEST is not a setting of this suite; did you mean STANDARD_REQUESTS?';
const report = (spec: string, warnings: string[], setupWarnings: string[] = [typo]) => makeReport(spec, {}, { warnings, setupWarnings });

describe('runWarnings', () => {
  const reports = [
    report('standard', ['load: schedule lag P99 12 ms']),
    report('burst', ['recommendation: add Retry-After']),
    report('custom', ['load: schedule lag P99 12 ms']),
  ];

  it('gives the set-up’s warning once, for the run, then each spec’s, each text once', () => {
    expect(runWarnings(reports)).toEqual([
      { specs: [], text: typo },
      { specs: ['standard', 'custom'], text: 'load: schedule lag P99 12 ms' },
      { specs: ['burst'], text: 'recommendation: add Retry-After' },
    ]);
    expect(runWarnings([report('standard', [], [])])).toEqual([]);
    expect(runWarnings([report('standard', [])])).toEqual([{ specs: [], text: typo }]);
  });

  it('ends the run with one block, and is in summary.md and the HTML', () => {
    expect(warningsBlock(runWarnings(reports))).toEqual([
      '[perf] 3 warnings in this run:',
      `  - ${typo}`,
      '  - [standard, custom] load: schedule lag P99 12 ms',
      '  - [burst] recommendation: add Retry-After',
    ]);
    expect(warningsBlock([])).toEqual([]);
    const markdown = renderCiSummary(reports);
    expect(markdown).toContain('### Warnings (3)');
    expect(markdown).toContain(`- ${typo}`);
    const html = renderHtmlReport(reports, { generatedAt: 'now' });
    expect(html).toContain('<h2>Warnings (3)</h2>');
    expect(html).toContain('did you mean STANDARD_REQUESTS?');
    expect(renderCiSummary([report('standard', [], [])])).not.toContain('Warnings');
  });
});
