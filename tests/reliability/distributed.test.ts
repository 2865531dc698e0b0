// Past one process, against a real server that counts what it receives: two `npm run load`
// processes with --segment 1/2 and 2/2 and one --start-at send together exactly the planned
// requests at the planned rate, every ticket once and signed; `merge` counts all of them and
// exits 0 or 1 by the thresholds; --workers 2 does the same in one command; and the GitHub
// workflow's own `run:` steps, executed as N local processes, plan, generate and merge.
import { execFile } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const ROOT = resolve(import.meta.dirname, '../..');
const SECRET = 'distributed-secret';
const REQUESTS = 1000;
const RATE = 200;

/** What the server saw: each webhook's ticket id and arrival time, and bad signatures. */
const seen = { tickets: [] as number[], arrivals: [] as number[], badSignatures: 0 };
let server: Server;
let url = '';
const dirs: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const signature = createHmac('sha256', SECRET).update(body).digest('hex');
      if (req.headers['x-freshdesk-signature'] !== signature) {
        seen.badSignatures++;
        res.writeHead(401).end('{"error":"Invalid webhook signature"}');
        return;
      }
      seen.tickets.push(Number((JSON.parse(body.toString()) as { ticket_id: string }).ticket_id));
      seen.arrivals.push(performance.timeOrigin + performance.now());
      setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}'), 5);
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook/freshdesk`;
});
afterAll(async () => {
  await new Promise((done) => server.close(done));
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
  seen.tickets = [];
  seen.arrivals = [];
  seen.badSignatures = 0;
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'distributed-'));
  dirs.push(dir);
  return dir;
}

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command (bounded at 60 s) in `cwd` with the secret in the environment. */
function sh(file: string, args: string[], cwd = ROOT, env: Record<string, string> = {}): Promise<Ran> {
  return new Promise((done) => {
    execFile(file, args, { cwd, env: { ...process.env, WEBHOOK_SECRET: SECRET, ...env }, timeout: 60_000 }, (error, stdout, stderr) => {
      done({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1, stdout, stderr });
    });
  });
}

const load = (args: string[], cwd = ROOT) => sh('npm', ['run', '-s', 'load', '--', ...args], cwd);

/** The load's requests as the server saw them (the probes, after the plan's ids, left out). */
function theLoad(firstTicket: number): { tickets: number[]; rate: number } {
  const inPlan = seen.tickets
    .map((t, i) => [t, seen.arrivals[i] as number] as const)
    .filter(([t]) => t >= firstTicket && t < firstTicket + REQUESTS);
  const times = inPlan.map(([, at]) => at).sort((a, b) => a - b);
  return { tickets: inPlan.map(([t]) => t), rate: ((times.length - 1) * 1000) / ((times.at(-1) as number) - (times[0] as number)) };
}

/** The server's view of one plan: every planned ticket once, none twice, all signed, at the planned rate within 1 %. */
function expectThePlan(firstTicket: number): void {
  const { tickets, rate } = theLoad(firstTicket);
  expect(tickets).toHaveLength(REQUESTS);
  expect(new Set(tickets).size).toBe(REQUESTS);
  expect(new Set(seen.tickets).size).toBe(seen.tickets.length); // probes included: no id twice
  expect(seen.badSignatures).toBe(0);
  expect(Math.abs(rate - RATE) / RATE).toBeLessThan(0.01);
}

const firstTicketOf = (startAt: number) => (startAt % 1e12) * 1000;

describe('segments of one plan in separate processes', () => {
  it('two processes send the plan exactly; merge counts them all, exit 0 on a passing threshold and 1 on a failing one', async () => {
    const dir = tempDir();
    const startAt = Date.now() + 6000; // both processes load and probe before it
    const plan = ['--url', url, '--rate', `${RATE}/s`, '--requests', String(REQUESTS), '--start-at', String(startAt), '--no-progress'];
    const runs = await Promise.all([1, 2].map((i) => load([...plan, '--segment', `${i}/2`, '--report-dir', join(dir, `runner-${i}`)])));
    for (const run of runs) {
      expect(run.code, run.stderr + run.stdout).toBe(0);
      expect(run.stdout).toMatch(/load: waiting \d+ s for the shared start \(/);
    }
    expectThePlan(firstTicketOf(startAt));
    expect(seen.tickets).toHaveLength(REQUESTS + 2); // each segment's one signed probe

    const pass = await load(['merge', dir, '--max-p95', '2000', '--report-dir', join(dir, 'merged')]);
    expect(pass.code, pass.stderr).toBe(0);
    expect(pass.stdout).toMatch(/Success: 1000\b/);
    expect(pass.stdout).toMatch(/merged 2 of 2 segments of one plan \(1000 requests/);
    const fail = await load(['merge', dir, '--max-p95', '1', '--report-dir', join(dir, 'merged')]);
    expect(fail.code).toBe(1);
    expect(fail.stdout).toMatch(/FAILED: 1 of 1 threshold failed/);
    const half = await load(['merge', join(dir, 'runner-1'), '--report-dir', join(dir, 'merged')]);
    expect(half.code).toBe(1);
    expect(half.stdout).toMatch(/INCOMPLETE: 1 of 2 segments have no result \(2\/2\)/);
    // One file named twice is read once; a copy of a segment's result is that segment twice.
    const named = await load(['merge', dir, join(dir, 'runner-1'), '--report-dir', join(dir, 'merged')]);
    expect(named.code, named.stderr).toBe(0);
    cpSync(join(dir, 'runner-1'), join(dir, 'copy'), { recursive: true });
    const twice = await load(['merge', dir, '--report-dir', join(dir, 'merged')]);
    expect(twice.code).toBe(2);
    expect(twice.stderr).toMatch(/is there twice/);
  });

  it('--workers 2 sends the same plan in one command and joins it into one run', async () => {
    const dir = tempDir();
    const run = await load([
      '--url',
      url,
      '--rate',
      `${RATE}/s`,
      '--requests',
      String(REQUESTS),
      '--workers',
      '2',
      '--max-p95',
      '2000',
      '--no-progress',
      '--report-dir',
      dir,
    ]);
    expect(run.code, run.stderr + run.stdout).toBe(0);
    expect(run.stdout).toMatch(/Success: 1000\b/);
    expect(run.stdout).toMatch(/Schedule: target 200\.00 req\/s/);
    // The threads' segments joined into one run of the plan: one result, as a single process writes.
    const results = readdirSync(dir).filter((name) => name.endsWith('.result.json'));
    expect(results.map((name) => name.replace(/^.*-segment/, 'segment'))).toEqual(['segment-1-of-1.result.json']);
    const result = JSON.parse(readFileSync(join(dir, results[0] as string), 'utf8')) as { plan: { ticketIdStart: number }; sent: number };
    expect(result.sent).toBe(REQUESTS);
    expectThePlan(result.plan.ticketIdStart);
    expect(seen.tickets).toHaveLength(REQUESTS + 1); // the command's one probe
  });
});

interface Step {
  name?: string;
  run?: string;
  env?: Record<string, string>;
}
type Workflow = { jobs: Record<string, { steps: Step[] }> };

/** A checkout of this repository for one runner: its own directory, the project's files linked in. */
function runnerCheckout(): string {
  const dir = tempDir();
  for (const name of ['package.json', 'node_modules', 'scripts', 'tests', 'tsconfig.json']) symlinkSync(join(ROOT, name), join(dir, name));
  return dir;
}

describe('the distributed-load workflow, its steps run as local processes', () => {
  it('plans a start and the segments, runs each segment on a runner of its own, and merges them into the step summary', async () => {
    const workflow = parse(readFileSync(join(ROOT, '.github/workflows/distributed-load.yml'), 'utf8')) as Workflow;
    const stepOf = (job: string, match: RegExp) => workflow.jobs[job]?.steps.find((step) => match.test(step.run ?? '')) as Step;

    const planDir = tempDir();
    const output = join(planDir, 'output');
    const planned = await sh('bash', ['-c', stepOf('plan', /GITHUB_OUTPUT/).run as string], planDir, {
      GENERATORS: '2',
      GITHUB_OUTPUT: output,
      LEAD_MS: '8000',
    });
    expect(planned.code, planned.stderr).toBe(0);
    const outputs = Object.fromEntries(
      readFileSync(output, 'utf8')
        .trim()
        .split('\n')
        .map((line) => line.split('=') as [string, string]),
    );
    expect(JSON.parse(outputs.segments as string)).toEqual([1, 2]);

    const generate = stepOf('generate', /npm run load/);
    const runners = [1, 2].map(() => runnerCheckout());
    const generated = await Promise.all(
      runners.map((cwd, i) =>
        sh('bash', ['-c', generate.run as string], cwd, {
          URL: url,
          RATE: `${RATE}/s`,
          REQUESTS: String(REQUESTS),
          SEGMENT: String(i + 1),
          GENERATORS: '2',
          START_AT: outputs.start_at as string,
        }),
      ),
    );
    for (const run of generated) expect(run.code, run.stderr + run.stdout).toBe(0);
    expectThePlan(firstTicketOf(Number(outputs.start_at)));

    // download-artifact with merge-multiple: every runner's results/ into one results/.
    const merger = runnerCheckout();
    mkdirSync(join(merger, 'results'));
    for (const runner of runners) cpSync(join(runner, 'results'), join(merger, 'results'), { recursive: true });
    const summaryFile = join(merger, 'step-summary.md');
    const merged = await sh('bash', ['-c', stepOf('merge', /npm run load -- merge/).run as string], merger, {
      MAX_P95: '2000',
      MIN_SUCCESS: '99',
      GITHUB_STEP_SUMMARY: summaryFile,
    });
    expect(merged.code, merged.stderr + merged.stdout).toBe(0);
    const summary = readFileSync(summaryFile, 'utf8');
    expect(summary).toMatch(/^## Load test: PASSED/);
    expect(summary).toContain('| Requests | 1000 sent of 1000 planned, 1000 succeeded, 0 failed |');
    expect(readdirSync(join(merger, 'merged')).some((name) => name.startsWith('merge-'))).toBe(true);
  });
});
