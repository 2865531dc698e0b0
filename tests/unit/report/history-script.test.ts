// npm run perf:history as a child process, as a user runs it.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { historyEntryOf, historyLine } from '../../helpers/report/history.ts';
import { GIT, run, stepEntries } from './history-fixtures.ts';

const ROOT = resolve(import.meta.dirname, '../../..');

function history(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'scripts/history.ts', ...args],
      { cwd: ROOT, timeout: 15_000, env: { ...process.env, PERF_HISTORY: '', PERF_REPORT_DIR: dir } },
      (error, stdout, stderr) => done({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

let dir: string;
let file: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'perf-history-script-'));
  file = join(dir, 'runs.jsonl');
  const burst = [0, 1].map((i) => historyLine(historyEntryOf(run('burst', 10 + i, 50), GIT)));
  await writeFile(file, [...stepEntries().map(historyLine), '{oops\n', ...burst].join(''));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('npm run perf:history', () => {
  it('prints one line per run and the change points in words, per spec', async () => {
    const { code, stdout, stderr } = await history('--file', file);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toContain(`History of runs: ${file}; 1 unreadable line skipped`);
    expect(stdout).toContain('standard (8 runs; main phase: load)');
    expect(stdout).toMatch(/^\s+5 {2}2025-01-01 00:04 {2}a1b2c3d\s+passed\s+\d+\.\d ms\s+\d+\.\d ms\s+100\.0 %$/m);
    expect(stdout).toMatch(/P95 rose \d+\.\d % at run 5 \(2025-01-01 00:04, a1b2c3d\)/);
    expect(stdout).toMatch(/P50 rose \d+\.\d % at run 5/);
    expect(stdout).toContain('success rate: no change point');
    expect(stdout).toContain('burst (2 runs; main phase: load)');
    expect(stdout).toMatch(/change points: need at least 6 runs/);
  });

  it('takes --spec and --last', async () => {
    const { code, stdout } = await history('--file', file, '--spec', 'standard', '--last', '3');
    expect(code).toBe(0);
    expect(stdout).toContain('standard (3 runs; main phase: load)');
    expect(stdout).not.toContain('burst');
  });

  it('says how to make a history when there is none, and refuses bad usage', async () => {
    const missing = await history();
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(`no history file at ${join(dir, 'history.jsonl')}`);
    expect(missing.stderr).toContain('npx vitest run tests/performance');
    const unknown = await history('--file', file, '--spec', 'nope');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('no run of spec "nope"');
    expect(unknown.stderr).toContain('it has: standard, burst');
    expect((await history('--last', '0')).code).toBe(2);
    expect((await history('--bogus')).code).toBe(2);
  });
});
