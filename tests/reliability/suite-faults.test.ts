// The suite under a bad target or a bad configuration: a target that is down, one that
// hangs, one that answers garbage, and every variable of .env.test set to a bad value in turn.
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { TestProject } from 'vitest/node';
import { ConfigError, configVariables, parseConfig } from '../helpers/config/index.ts';
import { specDeclaredVariables } from '../support/spec-variables.ts';
import type { VariableRule } from '../helpers/config/index.ts';
import setup from '../helpers/vitest/global-setup.ts';
import { jsonObjectBody } from '#engine';
import { runLoadTest } from '#engine';
import { fetchMetrics } from '../helpers/service/index.ts';
import type { PerfContext } from '../helpers/vitest/index.ts';
import { setupFailureError, type PerfSetupFailure } from '../helpers/vitest/perf-context.ts';
import { preflight, PreflightError } from '../helpers/service/index.ts';
import type { StackEndpoints } from '../helpers/providers/index.ts';
import { SpecRecorder } from '../helpers/vitest/recorder.ts';
import { closedPortUrl } from '../unit/stack/fixtures/mock-server.ts';

const SECRET = 'test_secret_key_12345';
const servers: Server[] = [];
afterAll(async () => {
  for (const server of servers) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

async function listen(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<{ base: string; server: Server; counts: { requests: number; connections: number } }> {
  const counts = { requests: 0, connections: 0 };
  const server = createServer((req, res) => {
    counts.requests += 1;
    handler(req, res);
  });
  server.requestTimeout = 0; // a hanging target must really hang
  server.on('connection', () => (counts.connections += 1));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (typeof address !== 'object' || address === null) throw new Error('no address');
  return { base: `http://127.0.0.1:${address.port}`, server, counts };
}

function endpoints(base: string): StackEndpoints {
  return {
    provider: 'external',
    reason: 'reliability test',
    webhookUrl: `${base}/webhook/freshdesk`,
    healthUrl: `${base}/webhook/health`,
    metricsUrl: `${base}/webhook/metrics`,
    details: {},
  };
}

describe('target down', () => {
  it('the preflight fails in under 5 s and names the URL', async () => {
    const base = (await closedPortUrl()).origin;
    const started = performance.now();
    const error = await preflight(endpoints(base), { secret: SECRET, probeTicketId: 1 }).catch((e: unknown) => e);
    const ms = performance.now() - started;
    expect(error).toBeInstanceOf(PreflightError);
    expect((error as Error).message).toContain(`${base}/webhook/health`);
    expect((error as Error).message).toMatch(/ECONNREFUSED/);
    expect(ms).toBeLessThan(5000);
  });

  it('a target that accepts but never answers health also fails the preflight in under 5 s, naming the URL', async () => {
    const { base } = await listen(() => undefined);
    const started = performance.now();
    const error = await preflight(endpoints(base), { secret: SECRET, probeTicketId: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PreflightError);
    expect((error as Error).message).toContain(`${base}/webhook/health`);
    expect(performance.now() - started).toBeLessThan(5000);
  });
});

describe('target hangs', () => {
  it('a spec-like run ends within its bounds, every request a timeout, and the report is written explaining it', async () => {
    const { base, counts } = await listen(() => undefined);
    const reportDir = mkdtempSync(join(tmpdir(), 'hang-report-'));
    const config = parseConfig({
      WEBHOOK_SECRET: SECRET,
      PERF_REPORT_DIR: reportDir,
      WEBHOOK_STACK: 'external',
      WEBHOOK_URL: `${base}/webhook/freshdesk`,
    });
    const context: PerfContext = {
      config,
      stack: endpoints(base),
      preflight: {
        healthStatus: 0,
        healthMs: 0,
        probeStatus: 0,
        probeRateLimitHeaders: {},
        probeMs: 0,
        metrics: { available: false, reason: 'not asked' },
        warnings: [],
      },
      runStartedAt: new Date().toISOString(),
      ticketIdBase: 1_000_000,
      specSlots: { custom: 1 },
    };
    const recorder = new SpecRecorder('custom', context, 'hanging target');
    const started = performance.now();
    const results = await runLoadTest({
      url: `${base}/webhook/freshdesk`,
      secret: SECRET,
      totalRequests: 20,
      requestsPerSecond: 10,
      timeoutMs: 1500,
      maxDurationMs: 10_000,
    });
    const elapsed = performance.now() - started;
    const summary = recorder.addRun('load', results);
    await recorder.finish();
    const path = recorder.reportPath;

    expect(elapsed).toBeLessThan(1900 + 1500 + 2000); // schedule + one timeout + slack, far below maxDurationMs
    expect(counts.requests).toBe(20);
    expect(summary.successCount).toBe(0);
    expect(summary.errorClasses).toEqual({ timeout: 20 });
    const report = JSON.parse(readFileSync(path, 'utf8'));
    expect(report.summaries.load.errorClasses).toEqual({ timeout: 20 });
    expect(report.summaries.load.errors[0].message).toMatch(/1500 ms/);
  });

  it('maxDurationMs stops a run whose schedule is longer, and cancelled requests are counted as aborted', async () => {
    const { base } = await listen(() => undefined);
    const started = performance.now();
    const results = await runLoadTest({
      url: `${base}/webhook/freshdesk`,
      secret: SECRET,
      totalRequests: 1000,
      requestsPerSecond: 20,
      timeoutMs: 60_000,
      maxDurationMs: 2000,
    });
    const summary = results.getSummary();
    expect(performance.now() - started).toBeLessThan(4000);
    expect(summary.endReason).toBe('max_duration');
    expect(summary.sentRequests + summary.notSentCount).toBe(1000);
    expect(summary.cancelledCount).toBe(summary.sentRequests);
    expect(summary.errorClasses).toEqual({ aborted: summary.sentRequests });
  });
});

describe('target answers garbage', () => {
  it('HTML, invalid JSON, empty 200s, broken bodies and cut connections are counted and classified, never thrown (bodies judged with checkBody)', async () => {
    // The answer depends on the ticket id's last digit, so the expected counts are exact.
    const { base } = await listen((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        if (req.url !== '/webhook/freshdesk') {
          res.writeHead(200, { 'content-type': 'application/json' }).end('{"webhook_metrics": not json');
          return;
        }
        const digit = Number(/"ticket_id":"(\d+)"/.exec(body)?.[1] ?? '0') % 10;
        if (digit === 0) res.writeHead(200, { 'content-type': 'text/html' }).end('<html><body>It works!</body></html>');
        else if (digit === 1) res.writeHead(502, { 'content-type': 'text/html' }).end('<html>Bad Gateway</html>');
        else if (digit === 2) res.writeHead(200, { 'content-type': 'application/json' }).end('{"status": proc');
        else if (digit === 3) res.writeHead(200).end();
        else if (digit === 4) res.writeHead(204).end();
        else if (digit === 5) {
          res.writeHead(200, { 'content-length': '100' });
          res.write('{"status"');
          res.destroy(); // body shorter than promised
        } else if (digit === 6)
          req.socket.destroy(); // no answer at all
        else if (digit === 7) req.socket.end('NOT HTTP\r\n\r\n');
        else if (digit === 8) res.writeHead(200, { 'content-type': 'application/json' }).end('null');
        else res.writeHead(418).end('teapot');
      });
    });
    const load = {
      url: `${base}/webhook/freshdesk`,
      secret: SECRET,
      totalRequests: 50,
      ticketIdStart: 0,
      concurrency: 5,
      timeoutMs: 5000,
      maxDurationMs: 20_000,
    };
    const noResponseCount = (errorClasses: Record<string, number>) =>
      Object.entries(errorClasses)
        .filter(([name]) => !name.startsWith('http_') && name !== 'bad_body')
        .reduce((n, [, c]) => n + c, 0);

    // By default a 200 is a success by status, whatever its body (bodies are not read): digits 0, 2, 3, 8.
    const summary = (await runLoadTest(load)).getSummary();
    expect(summary.sentRequests).toBe(50);
    expect(summary.successCount + summary.failureCount).toBe(50);
    expect(summary.successCount).toBe(20);
    expect(summary.statusCodes).toMatchObject({ '200': 20, '502': 5, '204': 5, '418': 5, '0': 15 });
    expect(summary.errorClasses).toMatchObject({ http_502: 5, http_204: 5, http_418: 5 });
    expect(summary.errorClasses.bad_body).toBeUndefined();
    expect(noResponseCount(summary.errorClasses)).toBe(15);

    // With checkBody (as the specs run), those four 200s are bad_body failures, their status kept.
    const checkedResults = await runLoadTest({ ...load, checkBody: jsonObjectBody });
    const withCheck = checkedResults.getSummary();
    expect(withCheck.sentRequests).toBe(50);
    expect(withCheck.successCount).toBe(0);
    expect(withCheck.failureCount).toBe(50);
    expect(withCheck.statusCodes).toMatchObject({ '200': 20, '502': 5, '204': 5, '418': 5, '0': 15 });
    expect(withCheck.errorClasses).toMatchObject({ bad_body: 20, http_502: 5, http_204: 5, http_418: 5 });
    expect(noResponseCount(withCheck.errorClasses)).toBe(15);
    const badBodyByDigit: Record<number, number> = {};
    for (const sample of checkedResults.samples) {
      if (sample.errorClass !== 'bad_body') continue;
      expect(sample.status).toBe(200);
      badBodyByDigit[sample.ticketId % 10] = (badBodyByDigit[sample.ticketId % 10] ?? 0) + 1;
    }
    expect(badBodyByDigit).toEqual({ 0: 5, 2: 5, 3: 5, 8: 5 });
    // Each kept message (the first 10 failures) gives the reason its digit's body earns.
    const reasonByDigit: Record<number, string> = {
      0: 'HTTP 200, bad body: not JSON (<html><body>It works!</body></html>)',
      2: 'HTTP 200, bad body: not JSON ({"status": proc)',
      3: 'HTTP 200, bad body: empty body',
      8: 'HTTP 200, bad body: JSON null, not an object',
    };
    const keptBadBodies = withCheck.errors.filter((e) => e.errorClass === 'bad_body');
    expect(keptBadBodies.length).toBeGreaterThan(0);
    for (const e of keptBadBodies) expect(e.message).toBe(reasonByDigit[e.ticketId % 10]);

    const metrics = await fetchMetrics(`${base}/webhook/metrics`, 2000);
    expect(metrics.available).toBe(false);
    // Health answered 200 (with garbage), but the probe is no success: the preflight stops, sending no load.
    // A 502 to the signed probe and a 200 to the wrongly signed one (ticket 2): not a signature problem.
    const bad = await preflight(endpoints(base), { secret: SECRET, probeTicketId: 1 }).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(PreflightError);
    expect((bad as Error).message).toMatch(
      /answered 502 .*status 502 is not a success \(SUCCESS_STATUSES=200\).*signature is most likely accepted.*No load was sent/s,
    );
    // A 200 with HTML fails the default SUCCESS_BODY=json-object, and says how to accept it.
    const html = await preflight(endpoints(base), { secret: SECRET, probeTicketId: 10 }).catch((e: unknown) => e);
    expect((html as Error).message).toMatch(
      /answered 200, but its body is not what SUCCESS_BODY=json-object expects: not JSON.*set SUCCESS_BODY/,
    );
    // Declared as any body, the same answer passes, and the preflight explains what it could not use.
    const checked = await preflight(endpoints(base), { secret: SECRET, probeTicketId: 10, success: { statuses: [200], body: 'any' } });
    expect(checked.warnings.some((w) => w.startsWith('metrics unavailable'))).toBe(true);
  });
});

/** A value each rule refuses, or undefined when the rule accepts any text. */
function badValue(rule: VariableRule): string | undefined {
  switch (rule.kind) {
    case 'int':
    case 'number':
      return 'not-a-number';
    case 'bool':
      return 'maybe';
    case 'enum':
      return 'no-such-choice';
    case 'url':
      return 'ftp://127.0.0.1/x';
    case 'list':
      return ' , ';
    case 'pattern':
      return rule.bad;
    case 'string':
      return rule.name === 'WEBHOOK_SECRET' ? ' ' : undefined;
  }
}

describe('bad configuration', () => {
  it('every variable of .env.test set to a bad value in turn: a clear error naming it, and zero requests at a listening server', async () => {
    const { base, counts } = await listen((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
    const root = mkdtempSync(join(tmpdir(), 'bad-env-')); // no .env or .env.test here: only the variables below count
    // The global setup hands a failure to the specs (perfSetupFailure) instead of throwing: see global-setup.ts.
    const provided = new Map<string, unknown>();
    const project = {
      config: { root },
      provide: (key: string, value: unknown) => provided.set(key, value),
      globTestFiles: async () => ({ testFiles: [join(root, 'standard.spec.ts')] }),
      vitest: { state: { getCountOfFailedTests: () => 0 } },
    } as unknown as TestProject;
    const good = {
      WEBHOOK_STACK: 'external',
      WEBHOOK_URL: `${base}/webhook/freshdesk`,
      WEBHOOK_SECRET: SECRET,
      PERF_REPORT_DIR: join(root, 'reports'),
    };
    const saved = { ...process.env };
    const restore = () => {
      for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
      Object.assign(process.env, saved);
    };

    const envTest = readFileSync(join(import.meta.dirname, '..', '..', '.env.test'), 'utf8');
    const inEnvTest = [...envTest.matchAll(/^([A-Z0-9_]+)=/gm)].map((m) => m[1]!);
    const rules = configVariables();
    // every .env.test variable has a rule (the suite's, or a spec file's own: checked when that spec loads)
    expect(inEnvTest.filter((name) => !rules.some((r) => r.name === name) && !specDeclaredVariables().includes(name))).toEqual([]);

    const refused: string[] = [];
    const acceptsAnyText: string[] = [];
    try {
      for (const rule of rules) {
        const value = badValue(rule);
        if (value === undefined) {
          acceptsAnyText.push(rule.name);
          continue;
        }
        restore();
        for (const name of rules.map((r) => r.name)) delete process.env[name];
        Object.assign(process.env, good, { [rule.name]: value });
        provided.clear();
        const teardown = await setup(project); // never throws: the failure is provided
        await teardown();
        const failure = provided.get('perfSetupFailure') as PerfSetupFailure | null | undefined;
        expect(failure?.name, `${rule.name}=${value} was accepted`).toBe(ConfigError.name);
        expect(failure?.message).toContain(rule.name);
        expect(provided.has('perf'), `${rule.name}=${value}: no context for the specs`).toBe(false);
        // What every spec then throws at once, before it sends anything: the suite's ConfigError.
        expect(setupFailureError(failure!)).toMatchObject({ name: 'ConfigError', message: expect.stringContaining(rule.name) });
        refused.push(rule.name);
      }
      expect(counts).toEqual({ requests: 0, connections: 0 });

      // Control: the same set-up with the good values does reach the server, so the zero above is meaningful.
      restore();
      for (const name of rules.map((r) => r.name)) delete process.env[name];
      Object.assign(process.env, good);
      provided.clear();
      const teardown = await setup(project);
      await teardown();
      expect(provided.get('perfSetupFailure')).toBeNull();
      expect(provided.get('perf')).toMatchObject({ stack: { webhookUrl: good.WEBHOOK_URL } });
    } finally {
      restore();
    }
    console.log(
      `[reliability] bad config: ${refused.length} variables refused before any traffic; accepting any text: ${acceptsAnyText.join(', ')}`,
    );
    expect(counts.requests).toBeGreaterThan(0);
    expect(refused.length).toBe(rules.length - acceptsAnyText.length);
  });
});
