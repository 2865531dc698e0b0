import { existsSync } from 'node:fs';
import { appendFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  appendHistory,
  formatTrend,
  gitState,
  readGitState,
  historyChangesFor,
  historyEntryOf,
  historyLine,
  historyPathFor,
  latestPerSpec,
  parseHistory,
  readHistory,
  recordHistory,
  shortCommit,
  trendOf,
} from '../../helpers/report/history.ts';
import { specVerdict } from '../../helpers/report/html-report.ts';
import { config, latencies, legacyReport, makeReport } from './fixtures.ts';
import { GIT, run, stepEntries } from './history-fixtures.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'perf-history-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('historyEntryOf (pure)', () => {
  it('keeps the headline figures of every phase, in order, and no timelines', () => {
    const report = makeReport('burst', {
      burst: { latencies: latencies(10, 50) },
      recovery: { latencies: latencies(10, 20), failures: { 3: 500 } },
    });
    const entry = historyEntryOf(report, GIT);
    expect(entry.phases.map((p) => p.phase)).toEqual(['burst', 'recovery']);
    const recovery = entry.phases[1]!;
    expect(recovery.sentRequests).toBe(10);
    expect(recovery.completedRequests).toBe(10);
    expect(recovery.successRatePercent).toBe(90);
    expect(recovery.p50Ms).toBeGreaterThan(0);
    expect(recovery.p95Ms).toBeGreaterThanOrEqual(recovery.p50Ms!);
    expect(recovery.p99Ms).toBeGreaterThanOrEqual(recovery.p95Ms!);
    expect(recovery.achievedRps).toBeGreaterThan(0);
    expect(entry).toMatchObject({ spec: 'burst', status: 'completed', verdict: 'passed', commit: GIT.commit, dirty: false });
    expect(entry.provider.provider).toBe('embedded');
    expect(entry.machine.cpuCount).toBe(2);
    const line = historyLine(entry);
    expect(line.endsWith('\n')).toBe(true);
    expect(line.indexOf('\n')).toBe(line.length - 1);
    expect(line).not.toContain('intendedStartMs');
    expect(line.length).toBeLessThan(6000);
  });

  it('reads summaries written under the old field names', () => {
    const entry = historyEntryOf(legacyReport(run('standard', 0, 100)), undefined);
    expect(entry.phases[0]!.sentRequests).toBe(20);
    expect(entry.phases[0]!.completedRequests).toBe(20);
    expect(entry.phases[0]!.achievedRps).toBeGreaterThan(0);
    expect(entry.commit).toBeUndefined();
    expect('commit' in entry).toBe(false);
  });

  it('never stores the secret, even when the report did not redact it', () => {
    const secret = 'hunter2-very-secret-key';
    const leaky = run('standard', 0, 100, {
      config: { ...config, secret },
      error: `Error: signing with ${secret} failed`,
    });
    leaky.provider.details = { url: `http://127.0.0.1:1/webhook?key=${secret}` };
    const line = historyLine(historyEntryOf(leaky, GIT));
    expect(line).not.toContain(secret);
    expect(JSON.parse(line).config.secret).toBe('[redacted]');
    expect(JSON.parse(line).provider.details.url).toBe('http://127.0.0.1:1/webhook?key=[redacted]');
    // the fixtures' report as the recorder writes it (already redacted): the real secret is nowhere
    const written = historyLine(historyEntryOf(run('standard', 0, 100), GIT));
    expect(written).not.toContain(config.secret);
    expect(JSON.parse(written).config.scale).toBe(1);
  });

  it('keeps thresholds, the repeats spread and verdict, and the baseline verdict as a string', () => {
    const report = run('standard', 0, 100, {
      thresholds: [
        { metric: 'p95Ms', phase: 'load', op: '<', value: 5000, actual: 140, passed: true, text: 'load: P95 < 5000 ms' },
        { metric: 'p99Ms', phase: 'load', op: '<', value: 5000, actual: Number.NaN, passed: false, text: 'not measured' },
      ],
      repeats: {
        count: 3,
        runs: [],
        medianRun: 1,
        medianRule: 'median P95',
        spread: [{ phase: 'load', metric: 'p95Ms', values: [1, 2, 3], median: 2, min: 1, max: 3, cvPercent: 50 }],
        consistency: { verdict: 'inconsistent', rule: 'cv < 10 %', reasons: ['P95 varies'] },
      },
      extra: { baseline: { verdict: 'no regression against reports/baseline', rows: [] } },
    });
    const entry = historyEntryOf(report, GIT);
    expect(entry.thresholds).toEqual([
      { phase: 'load', metric: 'p95Ms', op: '<', value: 5000, actual: 140, passed: true },
      { phase: 'load', metric: 'p99Ms', op: '<', value: 5000, actual: null, passed: false },
    ]);
    expect(entry.repeats).toMatchObject({ count: 3, consistency: 'inconsistent', spread: [{ metric: 'p95Ms', median: 2 }] });
    expect(entry.baseline).toBe('no regression against reports/baseline');
    expect(historyEntryOf(run('standard', 0, 100, { extra: { baseline: { verdict: { regressed: 2 } } } }), GIT).baseline).toBe(
      '{"regressed":2}',
    );
    expect(historyEntryOf(run('standard', 0, 100), GIT).baseline).toBeUndefined();
  });

  it('gives the verdict the HTML report gives', () => {
    const failedCheck = [{ name: 'x', outcome: 'failed' as const, detail: '' }];
    for (const report of [
      run('standard', 0, 100),
      run('standard', 0, 100, { status: 'aborted' }),
      run('standard', 0, 100, { status: 'error' }),
      run('standard', 0, 100, { checks: failedCheck }),
      run('standard', 0, 100, { status: 'aborted', checks: failedCheck }),
    ])
      expect(historyEntryOf(report, undefined).verdict).toBe(specVerdict(report));
  });
});

describe('the history file', () => {
  it('round-trips appended entries, skipping and counting a bad line in the middle and a cut-off last line', async () => {
    const path = join(dir, 'nested', 'history.jsonl');
    appendHistory(path, run('standard', 0, 100), { cwd: dir });
    appendHistory(path, run('burst', 1, 50), { cwd: dir });
    await appendFile(path, 'this is not JSON\n{"spec":"no phases"}\n\n');
    appendHistory(path, run('standard', 2, 110), { cwd: dir });
    await appendFile(path, '{"version":1,"spec":"standard","startedAt":"2025-');
    const history = readHistory(path);
    expect(history.found).toBe(true);
    expect(history.skipped).toBe(3);
    expect(history.entries.map((e) => `${e.spec}@${e.startedAt.slice(14, 16)}`)).toEqual(['standard@00', 'burst@01', 'standard@02']);
    expect((await readFile(path, 'utf8')).split('\n').filter((l) => l.startsWith('{"version"')).length).toBe(4);
  });

  it('counts a spec run written twice once (its last line), and keeps the latest N per spec', () => {
    const first = historyEntryOf(run('standard', 0, 100, { status: 'aborted' }), GIT);
    const again = { ...first, status: 'completed' };
    const many = Array.from({ length: 60 }, (_, i) => historyLine(historyEntryOf(run('standard', i, 100), GIT)));
    const text = historyLine(first) + historyLine(again) + many.join('') + historyLine(historyEntryOf(run('burst', 3, 50), GIT));
    const all = parseHistory(text, Infinity);
    expect(all.entries.filter((e) => e.startedAt === first.startedAt)).toHaveLength(1);
    expect(all.entries.find((e) => e.spec === 'standard')!.status).toBe('completed');
    const shown = parseHistory(text).entries;
    expect(shown.filter((e) => e.spec === 'standard')).toHaveLength(50);
    expect(shown.filter((e) => e.spec === 'standard')[0]!.startedAt).toBe(run('standard', 10, 100).startedAt);
    expect(shown.filter((e) => e.spec === 'burst')).toHaveLength(1);
    expect(latestPerSpec(all.entries, 2).map((e) => e.spec)).toEqual(['burst', 'standard', 'standard']);
  });

  it('reads a missing file as no history, without throwing', async () => {
    expect(readHistory(join(dir, 'none.jsonl'))).toEqual({ entries: [], skipped: 0, found: false });
  });

  it('goes where PERF_HISTORY says: <report dir>/history.jsonl by default, none for no history', async () => {
    expect(historyPathFor('reports/performance')).toBe(resolve('reports/performance/history.jsonl'));
    expect(historyPathFor('reports/performance', '')).toBe(resolve('reports/performance/history.jsonl'));
    expect(historyPathFor('reports/performance', 'none')).toBeUndefined();
    expect(historyPathFor('reports/performance', ' NONE ')).toBeUndefined();
    expect(historyPathFor('reports/performance', '/tmp/h.jsonl')).toBe('/tmp/h.jsonl');
    expect(recordHistory({ reportDir: dir, history: 'none' }, run('standard', 0, 100))).toBeUndefined();
    expect(existsSync(join(dir, 'history.jsonl'))).toBe(false);
    expect(recordHistory({ reportDir: dir }, run('standard', 0, 100))).toBe(join(dir, 'history.jsonl'));
    expect(readHistory(join(dir, 'history.jsonl')).entries).toHaveLength(1);
  });

  it('warns instead of throwing when the history cannot be written', async () => {
    await writeFile(join(dir, 'file'), 'x');
    const warnings: string[] = [];
    const write = process.stderr.write;
    process.stderr.write = ((message: string) => warnings.push(message) > 0) as typeof process.stderr.write;
    try {
      expect(recordHistory({ reportDir: join(dir, 'file') }, run('standard', 0, 100))).toBeUndefined();
    } finally {
      process.stderr.write = write;
    }
    expect(warnings.join('\n')).toMatch(/could not add the run to the history/);
  });
});

describe('git', () => {
  it('has no commit in a directory outside any repository', async () => {
    const ceiling = process.env.GIT_CEILING_DIRECTORIES;
    process.env.GIT_CEILING_DIRECTORIES = dirname(dir);
    try {
      expect(readGitState(dir)).toBeUndefined();
      const entry = appendHistory(join(dir, 'h.jsonl'), run('standard', 0, 100), { cwd: dir });
      expect(entry.commit).toBeUndefined();
      expect(entry.dirty).toBeUndefined();
    } finally {
      if (ceiling === undefined) delete process.env.GIT_CEILING_DIRECTORIES;
      else process.env.GIT_CEILING_DIRECTORIES = ceiling;
    }
  });

  it('has no commit without git at all', async () => {
    const path = process.env.PATH;
    process.env.PATH = dir; // no git here
    try {
      expect(readGitState(process.cwd())).toBeUndefined();
    } finally {
      process.env.PATH = path;
    }
  });

  it.runIf(existsSync(join(process.cwd(), '.git')))('reads the project HEAD once and caches it', async () => {
    const state = gitState();
    expect(state?.commit).toMatch(/^[0-9a-f]{40}$/);
    expect(typeof state?.dirty).toBe('boolean');
    expect(gitState()).toBe(gitState());
  });
});

describe('the trend (pure)', () => {
  it('finds the step in P50 and P95 at the fifth run, none in the success rate', () => {
    const trend = trendOf(stepEntries(), 'standard');
    expect(trend.runs).toHaveLength(8);
    expect(trend.changes.map((c) => [c.metric, c.run])).toEqual([
      ['p50Ms', 5],
      ['p95Ms', 5],
    ]);
    expect(trend.changes[1]!.changePercent).toBeGreaterThan(30);
    const lines = formatTrend(trend);
    expect(lines[0]).toBe('standard (8 runs; main phase: load)');
    expect(lines[1]).toBe('  target: embedded reference stack · PERF_SCALE=1 · RATE_LIMIT=100/60s · success 200 json-object');
    expect(lines).toHaveLength(3 + 8 + 3);
    expect(lines[3]).toMatch(/^\s+1 {2}2025-01-01 00:00 {2}a1b2c3d\s+passed\s+\d+\.\d ms\s+\d+\.\d ms\s+100\.0 %$/);
    expect(lines.join('\n')).toMatch(/P95 rose \d+\.\d % at run 5 \(2025-01-01 00:04, a1b2c3d\): \d+\.\d ms before, \d+\.\d ms after/);
    expect(lines.at(-1)).toBe('  success rate: no change point');
  });

  it('says how many runs change points need', () => {
    const lines = formatTrend(trendOf(stepEntries().slice(0, 4), 'standard'));
    expect(lines.at(-1)).toMatch(/need at least 6 runs .*; 4 so far/);
  });

  it('tells the CI summary the previous run and the change points up to each report', () => {
    const entries = stepEntries();
    const latest = run('standard', 7, 141);
    const said = historyChangesFor(entries, [latest, run('burst', 9, 50)]);
    expect(said.standard!.previous).toMatchObject({ startedAt: entries[6]!.startedAt });
    expect(said.standard!.previous!.p95Ms).toBeCloseTo(entries[6]!.phases[0]!.p95Ms!, 6);
    expect(said.standard!.changePoints).toHaveLength(2);
    expect(said.burst).toEqual({
      target: 'embedded reference stack · PERF_SCALE=1 · RATE_LIMIT=100/60s · success 200 json-object',
      changePoints: [],
      otherTargetRuns: 0,
    });
  });

  it('shortens commits and marks uncommitted changes', () => {
    expect(shortCommit({ commit: GIT.commit, dirty: true })).toBe('a1b2c3d*');
    expect(shortCommit({})).toBe('-');
  });
});
