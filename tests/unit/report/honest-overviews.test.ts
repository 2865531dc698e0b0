// Honest overviews: a spec that judged nothing is `skipped` in every overview (console, JSON,
// HTML, summary.md, history), never `passed`; and the history, its trends and the baseline
// compare runs of one target only.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { baselineCheck, runTargetOf, runTargetText, type BaselineSettings } from '../../helpers/analysis/index.ts';
import { renderCiSummary } from '../../helpers/report/ci-summary.ts';
import { verdictLine } from '../../helpers/report/console.ts';
import {
  formatTrend,
  historyChangesFor,
  historyEntryOf,
  historyLine,
  parseHistory,
  seriesOf,
  trendOf,
  type HistoryEntry,
} from '../../helpers/report/history.ts';
import { renderHtmlReport } from '../../helpers/report/html-report.ts';
import { trendSection } from '../../helpers/report/html-trend.ts';
import { reportForFile, writeSpecReport, type SpecReport } from '../../helpers/report/json-report.ts';
import { specVerdict } from '../../helpers/report/verdict.ts';
import { latencies, makeReport } from './fixtures.ts';
import { GIT, run } from './history-fixtures.ts';

const ROOT = resolve(import.meta.dirname, '../../..');
const generatedAt = '2025-01-02T00:00:00.000Z';
const SKIP_REASON = 'opt-in: set PERF_CAPACITY=1 to run the capacity search';

/** The capacity spec of a run without PERF_CAPACITY: no phase, its one check skipped. */
function skippedCapacity(): SpecReport {
  return makeReport(
    'capacity',
    {},
    { checks: [{ name: 'brackets the knee with a ramp and bisects it', outcome: 'skipped', detail: SKIP_REASON }] },
  );
}

function withChecks(report: SpecReport, outcomes: ('passed' | 'failed' | 'skipped')[]): SpecReport {
  return {
    ...report,
    checks: outcomes.map((outcome, i) => ({ name: `check ${i + 1}`, outcome, detail: outcome === 'skipped' ? 'why' : '' })),
  };
}

describe('a spec whose every check was skipped is skipped, in every overview', () => {
  const skipped = skippedCapacity();
  const passed = run('standard', 0, 100);
  const partly = withChecks(run('sustained', 1, 100), ['passed', 'skipped', 'passed', 'skipped']);
  const failed = withChecks(run('burst', 2, 100), ['passed', 'failed', 'skipped']);

  it('the verdict (report/verdict.ts): skipped; negative controls: passed stays passed, a failed check fails', () => {
    expect(specVerdict(skipped)).toBe('skipped');
    expect(specVerdict(passed)).toBe('passed');
    expect(specVerdict(partly)).toBe('passed');
    expect(specVerdict(failed)).toBe('failed');
    // Every check skipped but the run stopped early or threw: that, not skipped.
    expect(specVerdict({ ...skipped, status: 'aborted' })).toBe('aborted');
    expect(specVerdict({ ...skipped, status: 'error' })).toBe('failed');
  });

  it('the console line says skipped with the reason; a partly skipped spec passes and counts its skipped checks', () => {
    expect(verdictLine(skipped)).toBe(`[perf] capacity: skipped (every check skipped: ${SKIP_REASON})`);
    expect(verdictLine(passed)).toBe('[perf] standard: passed (1 check passed)');
    expect(verdictLine(partly)).toBe('[perf] sustained: passed (4 checks: 2 passed, 2 skipped)');
    expect(verdictLine(failed)).toBe('[perf] burst: failed (1 of 3 checks failed)');
  });

  it('the JSON report carries the verdict and the target beside its status', async () => {
    expect(reportForFile(skipped)).toMatchObject({ status: 'completed', verdict: 'skipped' });
    expect(reportForFile(passed).verdict).toBe('passed');
    expect(reportForFile(failed).verdict).toBe('failed');
    const dir = await mkdtemp(join(tmpdir(), 'perf-honest-json-'));
    try {
      const written = JSON.parse(await readFile(writeSpecReport(dir, skipped), 'utf8')) as SpecReport;
      expect(Object.keys(written).slice(0, 5)).toEqual(['spec', 'title', 'status', 'verdict', 'target']);
      expect(written.verdict).toBe('skipped');
      expect(written.target).toEqual(runTargetOf(skipped));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('the HTML badge and overview say skipped (never a green passed); the passed spec keeps its badge', () => {
    const html = renderHtmlReport([passed, skipped], { generatedAt, history: [] });
    const overview = html.slice(html.indexOf('<table class="overview">'), html.indexOf('</table>'));
    const row = (spec: string) =>
      overview.slice(overview.indexOf(`#spec-${spec}`), overview.indexOf('</tr>', overview.indexOf(`#spec-${spec}`)));
    expect(row('capacity')).toContain('<span class="badge skipped" data-verdict="skipped"');
    expect(row('capacity')).toContain('>skipped</span>');
    expect(row('capacity')).not.toContain('passed</span>');
    expect(row('capacity')).toContain('0 passed, 0 failed, 1 skipped');
    expect(row('standard')).toContain('<span class="badge passed" data-verdict="passed"');
    const section = html.slice(html.indexOf('id="spec-capacity"'));
    expect(section.slice(0, section.indexOf('</h2>'))).toContain('data-verdict="skipped"');
  });

  it('summary.md says skipped with the reason, counts it, and lists no failure for it', () => {
    const md = renderCiSummary([passed, skipped, partly, failed]);
    const line = (spec: string) => md.split('\n').find((l) => l.startsWith(`| ${spec} `) || l.startsWith(`| ${spec}`)) ?? '';
    expect(line('capacity')).toContain(`⏭️ skipped (${SKIP_REASON})`);
    expect(line('capacity')).not.toContain('passed');
    expect(line('standard (load)')).toContain('✅ passed |');
    expect(line('sustained (load)')).toContain('✅ passed (2 of 4 checks skipped)');
    expect(line('burst (load)')).toContain('❌ failed');
    expect(md).toContain('**4 specs: 2 passed, 1 failed, 1 skipped** · checks 4 passed, 1 failed, 4 skipped');
    expect(md).not.toContain('**capacity**');
  });

  it('the history entry is skipped, and perf:history prints it so; the run before it stays "the last run" for figures', () => {
    const entry = historyEntryOf(skipped, GIT);
    expect(entry.verdict).toBe('skipped');
    expect(historyEntryOf(passed, GIT).verdict).toBe('passed');
    expect(formatTrend(trendOf([entry], 'capacity')).join('\n')).toMatch(/^\s+1 {2}2025-01-01 00:00 {2}a1b2c3d\s+skipped\s+n\/a/m);
    // A skipped run measured nothing: "since the last run" reads the last run that did.
    const measured = historyEntryOf(run('standard', 0, 100), GIT);
    const skippedStandard = historyEntryOf(
      withChecks(makeReport('standard', {}, { startedAt: '2025-01-01T00:01:01.000Z' }), ['skipped']),
      GIT,
    );
    const said = historyChangesFor([measured, skippedStandard], [run('standard', 2, 100)]);
    expect(said.standard?.previous?.startedAt).toBe(measured.startedAt);
    expect(renderCiSummary([skipped], { history: historyChangesFor([entry], [skipped]) })).toContain('not measured this run');
  });
});

// The two targets of the example: the embedded stack at full scale, then an Express service at PERF_SCALE=0.2.
const EXPRESS_URL = 'http://127.0.0.1:3000/webhook/freshdesk';
function embeddedRun(minute: number, median: number): SpecReport {
  return run('sustained', minute, median);
}
function expressRun(minute: number, median: number): SpecReport {
  const base = run('sustained', minute, median);
  return {
    ...base,
    scale: 0.2,
    config: { ...base.config, scale: 0.2 },
    provider: { ...base.provider, provider: 'external', webhookUrl: EXPRESS_URL, reason: 'WEBHOOK_URL is set' },
  };
}

describe('history compares runs of one target only', () => {
  // Embedded at full scale: slow (about 400 ms); the Express service at 0.2: fast (about 40 ms).
  const embedded = [0, 1, 2, 3].map((i) => embeddedRun(i, 400 + i));
  const express = [4, 5, 6, 7].map((i) => expressRun(i, 40 + i));
  const entries: HistoryEntry[] = [...embedded, ...express].map((r) => historyEntryOf(r, GIT));

  it('each entry records its target', () => {
    expect(entries[0]!.target).toEqual({
      service: 'embedded reference stack',
      provider: 'embedded',
      scale: 1,
      rateLimit: '100/60s',
      success: '200 json-object',
    });
    expect(entries[7]!.target).toMatchObject({ service: EXPRESS_URL, provider: 'external', scale: 0.2 });
    // The embedded stack's extra environment is the service changing (the docs' way to show a regression), not another target.
    const slowed = embeddedRun(9, 400);
    const stack = { ...(slowed.config.stack as object), embeddedMockEnv: { FRESHDESK_LATENCY_MS: '600' } };
    expect(runTargetOf({ ...slowed, config: { ...slowed.config, stack } })).toEqual(entries[0]!.target);
    expect(runTargetText(entries[7]!.target!)).toBe(
      `external ${EXPRESS_URL} · PERF_SCALE=0.2 · RATE_LIMIT=100/60s · success 200 json-object`,
    );
  });

  it("the two targets make two series; neither trend holds the other's runs or change points", () => {
    const series = seriesOf(entries);
    expect(series.map((s) => [s.spec, s.target.provider, s.runs])).toEqual([
      ['sustained', 'embedded', 4],
      ['sustained', 'external', 4],
    ]);
    for (const s of series) {
      const trend = trendOf(entries, 'sustained', { target: s.target });
      expect(trend.runs).toHaveLength(4);
      expect(trend.changes).toEqual([]);
    }
    // Negative control: the same eight runs as one series would show the drop from 400 to 40 ms as a change.
    const mixed = trendOf(
      entries.map(({ target: _t, ...e }) => ({ ...e, provider: entries[0]!.provider, config: entries[0]!.config })),
      'sustained',
    );
    expect(mixed.runs).toHaveLength(8);
    expect(mixed.changes.map((c) => c.metric)).toContain('p95Ms');
    // Without a target: the latest run's.
    expect(trendOf(entries, 'sustained').target).toMatchObject({ provider: 'external' });
  });

  it('"since the last run" and the change points of summary.md read the same target only', () => {
    const latest = expressRun(8, 48);
    const said = historyChangesFor(entries, [latest]);
    expect(said.sustained?.previous?.startedAt).toBe(entries[7]!.startedAt);
    expect(said.sustained?.changePoints).toEqual([]);
    expect(said.sustained?.otherTargetRuns).toBe(4);
    const md = renderCiSummary([latest], { history: said });
    const p95 = (r: HistoryEntry) => r.phases[0]!.p95Ms!.toFixed(1);
    expect(md).toContain(`P95 ${p95(entries[7]!)} →`);
    expect(md).toContain('4 earlier runs of other targets not compared');
    for (const e of entries.slice(0, 4)) expect(md).not.toContain(p95(e));

    // The first Express run after the embedded ones: nothing to compare with, said so.
    const first = historyChangesFor(entries.slice(0, 4), [express[0]!]);
    expect(first.sustained).toMatchObject({ changePoints: [], otherTargetRuns: 4 });
    expect(first.sustained?.previous).toBeUndefined();
    const firstMd = renderCiSummary([express[0]!], { history: first });
    expect(firstMd).toContain('first run of this target; 4 earlier runs of other targets not compared');
    expect(firstMd).not.toContain('→');
  });

  it('the HTML trend of a report draws its target only and counts the others', () => {
    const html = trendSection(entries, 'sustained', { current: embedded[3]! });
    expect(html).toContain('data-runs="4"');
    expect(html).toContain('data-other-target-runs="0"');
    const later = trendSection(entries, 'sustained', { current: expressRun(9, 47) });
    expect(later).toContain('data-runs="5"');
    expect(later).toContain('data-other-target-runs="4"');
    expect(later).toContain('4 runs of other targets not shown');
  });

  it('entries written before targets were recorded join their series by their recorded settings; one lacking a setting is its own', () => {
    const old = entries.map(({ target: _t, ...e }) => e as HistoryEntry);
    expect(seriesOf(old).map((s) => s.runs)).toEqual([4, 4]);
    expect(seriesOf([...old, ...entries]).map((s) => s.runs)).toEqual([8, 8]);
    const { success: _s, ...noSuccess } = old[0]!.config;
    const older = { ...old[0]!, config: noSuccess } as HistoryEntry;
    expect(seriesOf([older, ...old.slice(1, 4)]).map((s) => s.runs)).toEqual([1, 3]);
  });

  it('the display limit keeps the latest runs of each series', () => {
    const text = [...entries, ...entries.slice(0, 4).map((e, i) => ({ ...e, startedAt: `2025-02-0${i + 1}T00:00:00.000Z` }))]
      .map(historyLine)
      .join('');
    const kept = parseHistory(text, 3).entries;
    expect(seriesOf(kept).map((s) => s.runs)).toEqual([3, 3]);
  });
});

describe('npm run perf:history shows each target as its own series', () => {
  let dir: string;
  let file: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'perf-history-targets-'));
    file = join(dir, 'history.jsonl');
    const runs = [...[0, 1, 2].map((i) => embeddedRun(i, 400 + i)), ...[3, 4].map((i) => expressRun(i, 40 + i))];
    await writeFile(file, runs.map((r) => historyLine(historyEntryOf(r, GIT))).join(''));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const history = (...args: string[]) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((done) => {
      execFile(
        process.execPath,
        ['--import', 'tsx', 'scripts/history.ts', '--file', file, ...args],
        { cwd: ROOT, timeout: 15_000 },
        (error, stdout, stderr) => done({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
    });

  it('prints one series per target, its target named; --target picks one', async () => {
    const all = await history();
    expect(all.stderr).toBe('');
    expect(all.code).toBe(0);
    expect(all.stdout).toContain('Series: 2 (2 targets)');
    expect(all.stdout).toContain('sustained (3 runs; main phase: load)\n  target: embedded reference stack · PERF_SCALE=1');
    expect(all.stdout).toContain(`sustained (2 runs; main phase: load)\n  target: external ${EXPRESS_URL} · PERF_SCALE=0.2`);
    const one = await history('--target', 'perf_scale=0.2');
    expect(one.code).toBe(0);
    expect(one.stdout).toContain('Series: 1 (1 target)');
    expect(one.stdout).not.toContain('embedded reference stack');
    const none = await history('--target', 'nginx');
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('matches --target "nginx"; its targets:');
    expect(none.stderr).toContain('embedded reference stack');
  });
});

describe('a baseline of another target', () => {
  const settings: BaselineSettings = { path: 'baseline', maxRegressionPercent: 10, maxSuccessDropPoints: 5, resamples: 200 };
  const before = makeReport('sustained', { load: { latencies: latencies(60, 400) } });
  const fast = (overrides: Partial<SpecReport>) => ({
    ...makeReport('sustained', { load: { latencies: latencies(60, 40) } }),
    ...overrides,
  });

  it('is not compared by default: the check is skipped, the verdict names the difference and what to do', () => {
    const now = fast({ scale: 0.2, config: { ...before.config, scale: 0.2 } });
    const result = baselineCheck(now, { report: before, source: 'reports/baseline/sustained.json' }, settings);
    expect(result.ran).toBe(false);
    if (result.ran || !('refused' in result)) throw new Error('expected a refusal');
    expect(result.refused).toMatchObject({ kind: 'not compared', differences: ['PERF_SCALE 0.2 vs 1'] });
    expect(result.refused.verdict).toMatch(
      /^Not compared with the baseline of .* it measured another target \(this run vs the baseline: PERF_SCALE 0\.2 vs 1\)/,
    );
    expect(result.refused.verdict).toContain('PERF_BASELINE_ANY_TARGET=true');
    expect(result.check).toEqual({
      name: 'no regression against the baseline (PERF_BASELINE)',
      outcome: 'skipped',
      detail: result.refused.verdict,
    });
    // The report says so: summary.md and the HTML show the refusal.
    const report = { ...now, checks: [...now.checks, result.check], extra: { baseline: result.refused } };
    expect(renderCiSummary([report])).toContain('**not compared**: Not compared with the baseline');
    expect(renderHtmlReport([report], { generatedAt, history: [] })).toContain('data-baseline-verdict="not compared"');
  });

  it('with PERF_BASELINE_ANY_TARGET=true is compared, the difference said first in the verdict', () => {
    const now = fast({ provider: { ...before.provider, provider: 'external', webhookUrl: EXPRESS_URL } });
    const result = baselineCheck(now, { report: before, source: 'b' }, { ...settings, anyTarget: true });
    if (!result.ran) throw new Error('expected a comparison');
    expect(result.comparison.verdict).toMatch(
      /^Compared across targets \(PERF_BASELINE_ANY_TARGET=true; this run vs the baseline: service /,
    );
    expect(result.comparison.notes[0]).toContain('the baseline measured another target');
  });

  it('negative control: a baseline of the same target is compared as before, with no note of targets', () => {
    const result = baselineCheck(fast({}), { report: before, source: 'b' }, settings);
    if (!result.ran) throw new Error('expected a comparison');
    expect(result.comparison.kind).toBe('no change');
    expect(result.comparison.verdict).not.toContain('target');
    // A 10x slower run of the same target is a regression, found as before.
    const slow = baselineCheck(before, { report: fast({}), source: 'b' }, settings);
    expect(slow.ran && slow.check.outcome).toBe('failed');
  });
});
