// Ctrl-C during a spec (issue 8): SIGINT to the whole `vitest run` process group while the
// standard spec is sending. The partial report is written (status aborted), the embedded stack
// is torn down, and no process the run started is left.
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { isAlive, waitGone } from '../support/processes.ts';

const ROOT = resolve(import.meta.dirname, '..', '..');

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

describe('SIGINT during a spec', () => {
  it('writes the partial report, tears the stack down and leaves no process behind', async () => {
    const reportDir = mkdtempSync(join(tmpdir(), 'abort-report-'));
    const env: Record<string, string> = {};
    for (const [key, value] of Object.entries(process.env)) {
      if (value !== undefined && !key.startsWith('VITEST') && !key.startsWith('TINYPOOL')) env[key] = value;
    }
    Object.assign(env, {
      WEBHOOK_STACK: 'embedded',
      WEBHOOK_URL: '',
      PERF_REPORT_DIR: reportDir,
      STANDARD_REQUESTS: '100',
      STANDARD_RATE_PER_MIN: '100',
      PERF_BASELINE: '',
    });
    const child = spawn(
      process.execPath,
      [join(ROOT, 'node_modules', 'vitest', 'vitest.mjs'), 'run', '--project', 'performance', 'tests/performance/standard.spec.ts'],
      {
        cwd: ROOT,
        env,
        detached: true, // its own process group: the SIGINT below reaches it all, like a terminal's Ctrl-C
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    try {
      // Wait until the spec is sending (its first progress line), bounded.
      const deadline = Date.now() + 60_000;
      while (!/sent \d+\/100/.test(output) && Date.now() < deadline && child.exitCode === null) await sleep(200);
      expect(output, output).toMatch(/sent \d+\/100/);
      const before = descendants(child.pid!);
      const stackPids = before.filter((p) => /stack\/(webhook|freshdesk-mock)\/main\.ts/.test(p.cmd) && !p.cmd.includes('docker-init'));
      expect(stackPids).toHaveLength(2);

      process.kill(-child.pid!, 'SIGINT');
      const code = await Promise.race([exited, sleep(30_000).then(() => 'still running' as const)]);
      expect(code).not.toBe('still running');

      const reportPath = join(reportDir, 'standard.json');
      expect(existsSync(reportPath), `no report at ${reportPath}; the run printed:\n${output.slice(-4000)}`).toBe(true);
      const report = JSON.parse(readFileSync(reportPath, 'utf8'));
      expect(report.status).toBe('aborted');
      expect(report.extra.interrupted).toMatch(/^SIGINT/);
      // The run in progress was stopped through recorder.signal and its partial results kept.
      expect(report.summaries.load?.endReason).toBe('aborted');
      expect(report.summaries.load.sentRequests).toBeGreaterThan(0);
      expect(report.summaries.load.sentRequests).toBeLessThan(100);

      const lingerDeadline = Date.now() + 15_000;
      await waitGone(
        before.map((p) => p.pid),
        Math.max(0, lingerDeadline - Date.now()),
        200,
      );
      const left = before.filter((p) => isAlive(p.pid));
      console.log(
        `[reliability] SIGINT: vitest exited ${String(code)}; ${before.length} descendant processes (stack ${stackPids.map((p) => p.pid).join(', ')}), left: ${left.length}`,
      );
      expect(left).toEqual([]);
    } finally {
      if (child.exitCode === null && child.signalCode === null) {
        try {
          process.kill(-child.pid!, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    }
  });
});
