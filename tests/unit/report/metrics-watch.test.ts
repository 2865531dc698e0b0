import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseMetrics } from '../../helpers/service/metrics-client.ts';
import { formatWatchLine } from '../../helpers/report/metrics-watch.ts';

const ROOT = resolve(import.meta.dirname, '../../..');

function doc(successCount: number, p95: number, rssMb: number) {
  return {
    webhook_metrics: {
      success_count: successCount,
      failure_count: 1,
      success_rate_percent: (successCount / (successCount + 1)) * 100,
      processing_times: { p50: 200, p95, p99: p95 + 50, average: 210, count: successCount + 1 },
    },
    performance_metrics: { slow_operation_count: 0, api_latencies: { freshdesk: { p50: 120, p95: 230, p99: 320 } } },
    process: { rss_bytes: rssMb * 2 ** 20 },
  };
}

describe('formatWatchLine (pure)', () => {
  it('prints the key figures, and the change since the last poll', () => {
    const first = formatWatchLine(parseMetrics(doc(10, 400, 90)), undefined, '12:00:00');
    expect(first).toBe(
      '12:00:00  ok 10 | failed 1 | success 90.9% | P50 200ms | P95 400ms | P99 450ms | slow 0 | FD P50 120ms | FD P95 230ms | FD P99 320ms | RSS 90.0MB',
    );
    const second = formatWatchLine(parseMetrics(doc(25, 380, 92.5)), parseMetrics(doc(10, 400, 90)), '12:00:05');
    expect(second).toContain('ok 25 (+15)');
    expect(second).toContain('P95 380ms (-20)');
    expect(second).toContain('failed 1 (±0)');
    expect(second).toContain('RSS 92.5MB (+2.5)');
    expect(formatWatchLine(parseMetrics({}), undefined, 't')).toContain('ok n/a');
  });
});

describe('scripts/metrics-watch.ts (a real process polling 127.0.0.1)', () => {
  let server: Server;
  let url: string;
  let served = 0;
  beforeAll(async () => {
    server = createServer((req, res) => {
      served += 1;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(doc(served * 10, 400, 90)));
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', () => done()));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook/metrics`;
  });
  afterAll(() => new Promise<void>((done) => server.close(() => done())));

  function watch(args: string[]) {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/metrics-watch.ts', ...args], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.stderr.on('data', (chunk) => (out += chunk));
    const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
    return { child, exited, output: () => out };
  }

  it('polls --count times at --interval, showing live changes, then stops', async () => {
    const run = watch(['--url', url, '--interval', '0.2', '--count', '3']);
    expect(await run.exited).toBe(0);
    const lines = run
      .output()
      .split('\n')
      .filter((line) => line.includes(' ok '));
    expect(lines).toHaveLength(3);
    expect(lines[1]).toContain('(+10)');
    expect(run.output()).toContain('stopped (--count reached) after 3 polls');
  }, 20_000);

  it('stops on Ctrl-C (SIGINT) with exit code 0', async () => {
    const run = watch(['--url', url, '--interval', '0.2', '--count', '1000']);
    const deadline = Date.now() + 15_000;
    while (!run.output().includes(' ok ') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    run.child.kill('SIGINT');
    expect(await run.exited).toBe(0);
    expect(run.output()).toMatch(/stopped \(Ctrl-C\) after \d+ polls/);
  }, 20_000);

  it('refuses a bad interval, naming the option', async () => {
    const run = watch(['--url', url, '--interval', 'soon']);
    expect(await run.exited).toBe(2);
    expect(run.output()).toContain('--interval "soon": expected seconds from 0.1 to 3600');
  }, 20_000);
});
