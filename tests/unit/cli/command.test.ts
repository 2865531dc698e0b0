// npm run load as a user runs it: a real process (node --import tsx scripts/load.ts)
// against a node:http server on 127.0.0.1 that checks each request's HMAC signature
// and answers after 20 ms. Every run is small and bounded.
import { spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { SpecReport } from '../../helpers/report/index.ts';

const ROOT = resolve(import.meta.dirname, '../../..');
const SECRET = 'cli-test-secret-7c2e91';
const DELAY_MS = 20;
/** No run here may take longer than this, whatever happens. */
const RUN_LIMIT_MS = 15_000;

let server: Server;
let url: string;
let reportDir: string;
const seen = { requests: 0, badSignatures: 0, wrapped: 0 };

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      seen.requests += 1;
      const expected = createHmac('sha256', SECRET).update(body).digest('hex');
      const good = req.headers['x-freshdesk-signature'] === expected;
      if (!good) seen.badSignatures += 1;
      if ('freshdesk_webhook' in (JSON.parse(body.toString('utf8')) as object)) seen.wrapped += 1;
      setTimeout(() => {
        res.writeHead(good ? 200 : 401, { 'content-type': 'application/json' });
        res.end(good ? '{"status":"ok"}' : '{"error":"invalid signature"}');
      }, DELAY_MS);
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', () => done()));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook/freshdesk`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((done) => server.close(() => done()));
});

beforeEach(async () => {
  seen.requests = 0;
  seen.badSignatures = 0;
  seen.wrapped = 0;
  reportDir = await mkdtemp(join(tmpdir(), 'load-cli-'));
  return () => rm(reportDir, { recursive: true, force: true });
});

function load(args: string[], env: Record<string, string> = { WEBHOOK_SECRET: SECRET }) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/load.ts', ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (chunk) => (out += chunk));
  child.stderr.on('data', (chunk) => (out += chunk));
  const timer = setTimeout(() => child.kill('SIGKILL'), RUN_LIMIT_MS);
  const exited = new Promise<number | null>((done) =>
    child.on('exit', (code) => {
      clearTimeout(timer);
      done(code);
    }),
  );
  return { child, exited, output: () => out };
}

async function theReport(): Promise<{ text: string; report: SpecReport }> {
  const all = await readdir(reportDir);
  // One report and one mergeable result beside it, of the whole plan (segment 1 of 1).
  expect(all.filter((name) => name.endsWith('-segment-1-of-1.result.json'))).toHaveLength(1);
  const files = all.filter((name) => name.endsWith('.json') && !name.endsWith('.result.json'));
  expect(files).toHaveLength(1);
  expect(files[0]).toMatch(/^load-\d{4}-\d\d-\d\dT[\d-]+Z\.json$/);
  const text = await readFile(join(reportDir, files[0] as string), 'utf8');
  return { text, report: JSON.parse(text) as SpecReport };
}

describe('npm run load (scripts/load.ts, a real process against 127.0.0.1)', () => {
  it('exit 0 when the thresholds pass; signed requests, the summary, the thresholds, and a report without the secret', async () => {
    const run = load(
      ['--url', url, '--rate', '100/s', '--requests', '20', '--payload', 'wrapped'].concat([
        '--max-p95',
        '2000',
        '--min-success',
        '100',
        '--report-dir',
        reportDir,
      ]),
    );
    expect(await run.exited, run.output()).toBe(0);
    expect(seen).toEqual({ requests: 21, badSignatures: 0, wrapped: 21 }); // the signed probe first, then the 20
    expect(run.output()).toContain('load: signed probe: 200, a success: the load starts');
    const out = run.output();
    expect(out).toContain('Load Test: 20 requests at 100 req/s');
    expect(out).toContain('Success Rate: 100.0%');
    expect(out).toContain('pass  load: P95 latency < 2000 ms');
    expect(out).toContain('pass  load: Success rate >= 100%');
    expect(out).toContain('PASSED: all 2 thresholds passed');
    const { text, report } = await theReport();
    expect(out).toContain(`Report: ${join(reportDir, `${report.spec}.json`)}`);
    expect(text).not.toContain(SECRET);
    expect(report.status).toBe('completed');
    expect(report.thresholds?.map((t) => t.passed)).toEqual([true, true]);
    expect(report.summaries.load).toMatchObject({ successCount: 20, plannedRequests: 20 });
    expect(report.extra).toMatchObject({ command: { payload: 'wrapped', secretEnv: 'WEBHOOK_SECRET' }, outcome: { exitCode: 0 } });
  }, 20_000);

  it('exit 1 when a threshold fails (P95 < 1 ms against a server that waits 20 ms), report still written', async () => {
    const run = load(['--url', url, '--rate', 'burst', '--requests', '10', '--max-p95', '1', '--report-dir', reportDir]);
    expect(await run.exited, run.output()).toBe(1);
    expect(seen.requests).toBe(1 + 10); // the probe and the load
    expect(run.output()).toMatch(/FAIL {2}load: P95 latency < 1 ms \(measured \d+\.\d ms\)/);
    expect(run.output()).toContain('FAILED: 1 of 1 threshold failed');
    const { report } = await theReport();
    expect(report.thresholds?.[0]).toMatchObject({ metric: 'p95Ms', op: '<', value: 1, passed: false });
    expect(report.thresholds?.[0]?.actual).toBeGreaterThanOrEqual(DELAY_MS);
  }, 20_000);

  it('exit 2 on bad usage, naming the flag, and sends nothing', async () => {
    const run = load(['--url', url, '--rate', 'fast', '--report-dir', reportDir]);
    expect(await run.exited).toBe(2);
    expect(run.output()).toContain('load: --rate "fast": expected N/s (per second), N/m (per minute) or burst');
    const noSecret = load(['--url', url, '--report-dir', reportDir], {});
    expect(await noSecret.exited).toBe(2);
    expect(noSecret.output()).toContain('--secret-env WEBHOOK_SECRET: the environment variable WEBHOOK_SECRET is not set');
    expect(seen.requests).toBe(0);
    expect(await readdir(reportDir)).toEqual([]);
  }, 20_000);

  it('exit 3 when the service cannot be reached (a closed port), report still written', async () => {
    const closed = createServer();
    await new Promise<void>((done) => closed.listen(0, '127.0.0.1', () => done()));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((done) => closed.close(() => done()));
    const run = load([
      '--url',
      `http://127.0.0.1:${port}/webhook/freshdesk`,
      '--rate',
      'burst',
      '--requests',
      '3',
      '--report-dir',
      reportDir,
    ]);
    expect(await run.exited, run.output()).toBe(3);
    expect(run.output()).toContain('UNREACHABLE: none of 3 requests got an HTTP answer (connection_refused 3)');
    expect((await theReport()).report.extra).toMatchObject({ outcome: { exitCode: 3 } });
  }, 20_000);

  it('a wrong secret: the signed probe and one with a wrong key both get 401, exit 3 naming the variable and the signature; no load', async () => {
    const started = performance.now();
    const run = load(['--url', url, '--rate', '100/s', '--requests', '50', '--report-dir', reportDir], {
      WEBHOOK_SECRET: 'not-the-secret',
    });
    expect(await run.exited, run.output()).toBe(3);
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(run.output()).toContain('load: the service most likely rejects the signature');
    expect(run.output()).toContain('Check WEBHOOK_SECRET');
    expect(run.output()).toContain('the service verifies X-Freshdesk-Signature with');
    expect(run.output()).not.toContain('not-the-secret');
    expect(seen).toMatchObject({ requests: 2, badSignatures: 2 });
  }, 20_000);

  it('Ctrl-C stops the run through its signal: exit 130, the summary printed, the report written as aborted', async () => {
    const run = load(['--url', url, '--rate', '20/s', '--requests', '1000', '--min-success', '50', '--report-dir', reportDir]);
    const deadline = Date.now() + 10_000;
    while (seen.requests < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
    run.child.kill('SIGINT');
    expect(await run.exited, run.output()).toBe(130);
    const out = run.output();
    expect(out).toContain('Ctrl-C: stopping the run');
    expect(out).toContain('Success Rate:');
    expect(out).toMatch(/STOPPED by Ctrl-C after \d+ of 1000 requests/);
    const { report } = await theReport();
    expect(report.status).toBe('aborted');
    expect(report.summaries.load).toMatchObject({ endReason: 'aborted', plannedRequests: 1000 });
    expect((report.summaries.load as { sentRequests: number }).sentRequests).toBeLessThan(1000);
  }, 20_000);
});
