// Off the happy path at set-up: a mistyped target variable stops the run before any
// traffic, and a run whose set-up failed reads as one message, last, with JUnit counting failures.
import { closeSync, mkdtempSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { TestProject } from 'vitest/node';
import { configVariables } from '../helpers/config/index.ts';
import setup from '../helpers/vitest/global-setup.ts';
import type { PerfSetupFailure } from '../helpers/vitest/perf-context.ts';
import { closedPortUrl } from '../unit/stack/fixtures/mock-server.ts';

const ROOT = resolve(import.meta.dirname, '..', '..');
const SECRET = 'test_secret_key_12345';
const servers: Server[] = [];
afterAll(async () => {
  for (const server of servers) {
    server.closeAllConnections();
    await new Promise<void>((done) => server.close(() => done()));
  }
});

/** A webhook look-alike on 127.0.0.1 that counts every connection and request. */
async function listening(): Promise<{ base: string; counts: { requests: number; connections: number } }> {
  const counts = { requests: 0, connections: 0 };
  const server = createServer((req, res) => {
    counts.requests += 1;
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"processed"}'));
  });
  server.on('connection', () => (counts.connections += 1));
  servers.push(server);
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, counts };
}

/** Runs the global setup with a fake project in an environment of exactly `vars` (plus ordinary ones). */
async function runSetup(vars: Record<string, string>): Promise<{ provided: Map<string, unknown>; warnings: string[] }> {
  const root = mkdtempSync(join(tmpdir(), 'setup-failures-')); // no .env files: only these variables count
  const custom = join(root, 'custom.spec.ts');
  writeFileSync(custom, "const requests = setting('CUSTOM_REQUESTS', 20, 'count');\n");
  const provided = new Map<string, unknown>();
  const project = {
    config: { root },
    provide: (key: string, value: unknown) => provided.set(key, value),
    globTestFiles: async () => ({ testFiles: [join(root, 'standard.spec.ts'), custom] }),
    vitest: { state: { getCountOfFailedTests: () => 0 } },
  } as unknown as TestProject;
  const saved = { ...process.env };
  const warnings: string[] = [];
  const warn = console.warn;
  console.warn = (...args: unknown[]) => void warnings.push(args.map(String).join(' '));
  try {
    for (const name of configVariables().map((r) => r.name)) delete process.env[name];
    Object.assign(process.env, { PERF_REPORT_DIR: join(root, 'reports') }, vars);
    const teardown = await setup(project);
    await teardown();
  } finally {
    console.warn = warn;
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
  }
  return { provided, warnings };
}

describe('a typo of WEBHOOK_URL', () => {
  it('is a ConfigError naming the typo and the setting, with zero traffic at the listening server it points to', async () => {
    const { base, counts } = await listening();
    // WEBHOOK_STACK=external keeps this test from starting a stack of its own if the check failed to stop it.
    const { provided } = await runSetup({ WEBHOOK_STACK: 'external', WEBHOK_URL: `${base}/webhook/freshdesk`, WEBHOOK_SECRET: SECRET });
    const failure = provided.get('perfSetupFailure') as PerfSetupFailure;
    expect(failure.name).toBe('ConfigError');
    expect(failure.message).toMatch(/WEBHOK_URL \(environment\) is not a setting of the suite: did you mean WEBHOOK_URL\?/);
    expect(provided.has('perf')).toBe(false);
    expect(counts).toEqual({ requests: 0, connections: 0 });
  });

  it('control: spelt right, with ordinary variables and a spec-declared CUSTOM_* around, it reaches the server and warns of nothing', async () => {
    const { base, counts } = await listening();
    const { provided, warnings } = await runSetup({
      WEBHOOK_STACK: 'external',
      WEBHOOK_URL: `${base}/webhook/freshdesk`,
      WEBHOOK_SECRET: SECRET,
      RATE_LIMIT: 'none',
      PATH: process.env.PATH ?? '/usr/bin',
      HOME: process.env.HOME ?? '/root',
      NODE_OPTIONS: process.env.NODE_OPTIONS ?? '',
      CI: 'true',
      CUSTOM_REQUESTS: '5',
    });
    expect(provided.get('perfSetupFailure')).toBeNull();
    expect(provided.get('perf')).toMatchObject({ stack: { webhookUrl: `${base}/webhook/freshdesk` } });
    expect(counts.requests).toBeGreaterThan(0);
    expect(warnings.filter((w) => w.includes('[perf] config:'))).toEqual([]);
  });
});

/** `npx vitest run tests/performance` with `env`: its whole output (stdout and stderr in order) and its JUnit file. */
async function runPerformance(env: Record<string, string>): Promise<{ code: number | null; output: string; junit: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'setup-failure-run-'));
  const junitFile = join(dir, 'junit.xml');
  const outputFile = join(dir, 'output.txt');
  const fd = openSync(outputFile, 'w');
  const child = spawn('npx', ['vitest', 'run', 'tests/performance', `--outputFile.junit=${junitFile}`], {
    cwd: ROOT,
    env: { ...process.env, PERF_REPORT_DIR: join(dir, 'reports'), NO_COLOR: '1', FORCE_COLOR: '0', ...env },
    stdio: ['ignore', fd, fd], // one file for both: the order is what a terminal shows
  });
  const timer = setTimeout(() => child.kill('SIGTERM'), 100_000); // bounded
  const code = await new Promise<number | null>((done) => child.on('exit', (c) => done(c)));
  clearTimeout(timer);
  closeSync(fd);
  return { code, output: readFileSync(outputFile, 'utf8'), junit: readFileSync(junitFile, 'utf8') };
}

function junitCounts(xml: string): { tests: number; failures: number; failedCases: number } {
  const root = /<testsuites\b[^>]*\btests="(\d+)"[^>]*\bfailures="(\d+)"/.exec(xml);
  if (!root) throw new Error(`no <testsuites> with counts in the JUnit file:\n${xml.slice(0, 500)}`);
  return { tests: Number(root[1]), failures: Number(root[2]), failedCases: (xml.match(/<testcase\b[^>]*>\s*<failure\b/g) ?? []).length };
}

describe('a run whose set-up failed', () => {
  it('PERF_SCALE=abc: exit code 1, the suite message last, JUnit with failed test cases (never zero tests)', async () => {
    const { code, output, junit } = await runPerformance({ PERF_SCALE: 'abc', WEBHOOK_STACK: 'embedded' });
    expect(code).toBe(1);
    const tail = output.trimEnd().split('\n').slice(-6).join('\n');
    expect(tail).toContain('PERF_SCALE="abc": expected a number from 0.01 to 100');
    expect(output.trimEnd().endsWith('='.repeat(78))).toBe(true);
    expect(output).toContain('[perf] The performance run did not start (ConfigError); no load was sent');
    expect(output).not.toContain('No test files found');
    const counts = junitCounts(junit);
    expect(counts.tests).toBeGreaterThan(0);
    expect(counts.failures).toBeGreaterThan(0);
    expect(counts.failedCases).toBe(counts.failures);
    expect(junit).toContain('type="ConfigError"');
  }, 120_000);

  it('an unreachable target: the preflight message and its hints last, JUnit failures > 0', async () => {
    const closed = (await closedPortUrl()).origin;
    const { code, output, junit } = await runPerformance({ WEBHOOK_STACK: 'external', WEBHOOK_URL: `${closed}/webhook/freshdesk` });
    expect(code).toBe(1);
    const last = output.slice(output.lastIndexOf('[perf] The performance run did not start'));
    expect(last).toContain(`PreflightError: Cannot reach the webhook service at ${closed}/webhook/health (ECONNREFUSED`);
    expect(last).toContain('Troubleshooting:');
    expect(output.trimEnd().endsWith('='.repeat(78))).toBe(true);
    expect(junitCounts(junit).failures).toBeGreaterThan(0);
  }, 120_000);
});
