// Ctrl-C during a spec (issues 8 and 13): SIGINT to the whole `vitest run` process group, as a
// terminal sends it, while each spec in turn is sending. The spec's report is written (status
// aborted, the run in progress stopped and kept), with the HTML index of the run, a JUnit file
// that parses and a console line naming the report; the embedded stack is torn down and no
// process the run started is left. And SIGINT to the Vitest main process alone: no worker is
// left orphaned.
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { childEnv, ROOT, VITEST } from '../support/child-vitest.ts';
import { isAlive, waitGone } from '../support/processes.ts';

/** Every descendant of `pid` (by parent pid), with its command line. */
function descendants(pid: number): { pid: number; cmd: string }[] {
  const rows = execFileSync('ps', ['-eo', 'pid=,ppid=,args='], { encoding: 'utf8' })
    .split('\n')
    .map((line) => /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(line))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ pid: Number(m[1]), ppid: Number(m[2]), cmd: m[3]! }));
  const found: { pid: number; cmd: string }[] = [];
  const queue = [pid];
  while (queue.length > 0 && found.length < 500) {
    const parent = queue.shift()!;
    for (const row of rows) {
      if (row.ppid === parent) {
        found.push({ pid: row.pid, cmd: row.cmd });
        queue.push(row.pid);
      }
    }
  }
  return found;
}

interface Case {
  spec: string;
  /** The phase running when the signal comes, and the line that says it started. */
  phase: string;
  /** Loads long enough (at RATE_LIMIT=none) that the signal lands mid-phase. */
  env: Record<string, string>;
}

/** Every spec, interrupted in a phase that sends (for burst, its recovery; for profile, its metrics run). */
const CASES: Case[] = [
  { spec: 'standard', phase: 'load', env: { STANDARD_REQUESTS: '100', STANDARD_RATE_PER_MIN: '100' } },
  { spec: 'sustained', phase: 'load', env: { SUSTAINED_REQUESTS: '100', SUSTAINED_RATE_PER_MIN: '100' } },
  { spec: 'burst', phase: 'recovery', env: { BURST_RECOVERY_REQUESTS: '40', BURST_RECOVERY_RATE_PER_MIN: '100' } },
  { spec: 'profile', phase: 'metrics', env: { PROFILE_REQUESTS: '2', PROFILE_METRICS_REQUESTS: '40', PROFILE_RATE_PER_MIN: '100' } },
  { spec: 'custom', phase: 'load', env: { CUSTOM_REQUESTS: '40', CUSTOM_REQUESTS_PER_SECOND: '2' } },
];

/** Runs one spec on the embedded stack, signals once `phase` is sending, and returns what is left to check. */
async function interrupt(c: Case, target: 'group' | 'main') {
  const reportDir = mkdtempSync(join(tmpdir(), `abort-${c.spec}-`));
  const env = childEnv({
    WEBHOOK_STACK: 'embedded',
    WEBHOOK_URL: '',
    PERF_REPORT_DIR: reportDir,
    PERF_BASELINE: '',
    RATE_LIMIT: 'none',
    ...c.env,
  });
  const child = spawn(
    process.execPath,
    [
      VITEST,
      'run',
      '--project',
      'performance',
      `--outputFile.junit=${join(reportDir, 'junit-{project}.xml')}`,
      `tests/performance/${c.spec}.spec.ts`,
    ],
    // Its own process group: a signal to -pid reaches it all, like a terminal's Ctrl-C.
    { cwd: ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  try {
    // Wait until the phase has started and sent a few requests (bounded).
    const started = new RegExp(`${c.spec}/${c.phase} starts now`);
    const deadline = Date.now() + 60_000;
    while (!started.test(output) && Date.now() < deadline && child.exitCode === null) await sleep(100);
    expect(output, output).toMatch(started);
    await sleep(1500);
    const before = descendants(child.pid!);
    const stackPids = before.filter((p) => /stack\/(webhook|freshdesk-mock)\/main\.ts/.test(p.cmd));
    expect(stackPids, output).toHaveLength(2);

    process.kill(target === 'group' ? -child.pid! : child.pid!, 'SIGINT');
    const code = await Promise.race([exited, sleep(30_000).then(() => 'still running' as const)]);
    expect(code).not.toBe('still running');
    const gone = await waitGone(
      before.map((p) => p.pid),
      15_000,
      100,
    );
    const left = before.filter((p) => isAlive(p.pid));
    console.log(
      `[reliability] SIGINT to the ${target} during ${c.spec}/${c.phase}: vitest exited ${String(code)}; ${before.length} descendants, left ${left.length}`,
    );
    expect(gone, `left running: ${left.map((p) => p.cmd).join(' | ')}`).toBe(true);
    return { reportDir, output };
  } finally {
    if (child.exitCode === null && child.signalCode === null) {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
}

/** The spec's report: aborted, the signal named, the phase in progress stopped with its partial results. */
function expectAbortedReport(reportDir: string, c: Case, output: string, why: RegExp) {
  const reportPath = join(reportDir, `${c.spec}.json`);
  expect(existsSync(reportPath), `no report at ${reportPath}; the run printed:\n${output.slice(-4000)}`).toBe(true);
  const report = JSON.parse(readFileSync(reportPath, 'utf8'));
  expect(report.status).toBe('aborted');
  expect(report.extra.interrupted).toMatch(why);
  const phase = report.summaries[c.phase];
  expect(phase?.endReason, `summaries.${c.phase} of ${JSON.stringify(Object.keys(report.summaries))}`).toBe('aborted');
  expect(phase.sentRequests).toBeGreaterThan(0);
  expect(phase.sentRequests).toBeLessThan(phase.plannedRequests);
  return reportPath;
}

describe('SIGINT during a spec', () => {
  for (const c of CASES) {
    it(`during ${c.spec}/${c.phase}: the aborted report, the HTML index, a JUnit file that parses, a line naming the report, nothing left`, async () => {
      const { reportDir, output } = await interrupt(c, 'group');
      const reportPath = expectAbortedReport(reportDir, c, output, /^SIGINT/);
      expect(output).toContain(`[perf] interrupted (SIGINT): partial report ${reportPath} (status aborted)`);
      const html = readFileSync(join(reportDir, 'index.html'), 'utf8');
      expect(html).toContain(`id="spec-${c.spec}"`);
      // JUnit that parses, with the interrupted test as a failure.
      const junit = execFileSync(
        'python3',
        [
          '-c',
          'import sys, xml.etree.ElementTree as E; r = E.parse(sys.argv[1]).getroot(); print(r.get("tests"), r.get("failures"))',
          join(reportDir, 'junit-performance.xml'),
        ],
        { encoding: 'utf8' },
      ).trim();
      const [tests, failures] = junit.split(' ').map(Number);
      expect(tests, junit).toBeGreaterThan(0);
      expect(failures, junit).toBeGreaterThan(0);
      expect(output).toContain(`[perf] interrupted (SIGINT): JUnit of what ran so far: ${join(reportDir, 'junit-performance.xml')}`);
    });
  }

  it('SIGINT to the Vitest main process alone: the worker does not outlive it, and still writes its report', async () => {
    const c = CASES[0]!;
    const { reportDir, output } = await interrupt(c, 'main');
    expectAbortedReport(reportDir, c, output, /^the Vitest main process went away/);
  });
});
