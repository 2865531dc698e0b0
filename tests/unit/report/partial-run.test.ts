// A partial run does not lose the whole run's page: the index lists every spec's latest report in
// the directory, those this run did not run marked as from an earlier run; the banner judges this run.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { indexReports, writeHtmlReport } from '../../helpers/report/report-files.ts';
import { readFileSync } from 'node:fs';
import { makeReport } from './fixtures.ts';

const EARLIER = '2026-12-06T08:00:00.000Z';
const NOW = '2026-12-06T09:00:00.000Z';
const report = (spec: string, runStartedAt: string, outcome: 'passed' | 'failed' = 'passed') =>
  makeReport(spec, {}, { runStartedAt, startedAt: runStartedAt, checks: [{ name: 'x', outcome, detail: '' }] });

describe('the index of a partial run', () => {
  it('says nothing finished when no spec of this run wrote its report (Ctrl-C before the first)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'partial-run-'));
    writeFileSync(join(dir, 'standard.json'), JSON.stringify(report('standard', EARLIER)));
    const html = readFileSync(writeHtmlReport(dir, { currentRun: NOW, generatedAt: NOW, history: null }).path, 'utf8');
    expect(html).toContain('data-verdict="nothing finished"');
    expect(html).toContain('no spec of this run wrote its report');
  });

  it('keeps every other spec’s latest report, this run’s first', () => {
    const onDisk = [
      report('standard', EARLIER),
      report('burst', EARLIER),
      report('custom', NOW),
      report('burst', '2026-12-05T08:00:00.000Z'),
    ];
    const listed = indexReports([report('custom', NOW)], onDisk);
    expect(listed.map((r) => `${r.spec}@${r.runStartedAt}`)).toEqual([`custom@${NOW}`, `standard@${EARLIER}`, `burst@${EARLIER}`]);
  });

  it('marks the earlier ones, and the banner judges this run only', () => {
    const dir = mkdtempSync(join(tmpdir(), 'partial-run-'));
    writeFileSync(join(dir, 'standard.json'), JSON.stringify(report('standard', EARLIER, 'failed')));
    writeFileSync(join(dir, 'custom.json'), JSON.stringify(report('custom', NOW)));
    const { path, specs } = writeHtmlReport(dir, { currentRun: NOW, generatedAt: NOW, history: null });
    expect(specs).toBe(2);
    const html = readFileSync(path, 'utf8');
    expect(html).toContain('data-verdict="passed"'); // the earlier standard's failure is not this run's
    expect(html).toContain('1 spec: 1 passed · and 1 spec this run did not run, from an earlier run (marked below)');
    expect(html).toContain(`From an earlier run (started ${EARLIER}): this run did not run this spec.`);
    expect(html.match(/class="earlier-run"/g)).toHaveLength(2); // the overview's mark and the section's
  });
});
