// The burst spec against rate limiters nobody here wrote, started by the test, declared as their
// users would: express-rate-limit (a fixed window with the IETF RateLimit headers; declared
// `fixed:…` and `auto`) and Debian's nginx limit_req in front of the reference stack (a token
// bucket; declared `bucket:…`). Each passes twice in a row on one service (the second run plans
// around the first through the ledger), and the same limiter set to admit more than declared
// fails, naming the policy. What the service itself saw is checked against the suite's counts.
// Windows are 10 s so that each run takes seconds.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_SECRET, startStack, type StartedStack } from '../../stack/start-stack.ts';
import { childEnv, runVitest } from '../support/child-vitest.ts';
import { startExpressLimited, type ExpressLimitedOptions } from './fixtures/express-limited.ts';
import { startNginxLimitReq } from './fixtures/nginx-limit-req.ts';

const BURST = ['tests/performance/burst.spec.ts'];
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

/** Runs the burst spec against `webhookUrl` in a child Vitest, as a user would; `reportDir` is shared by runs in a row. */
async function burst(webhookUrl: string, rateLimit: string, reportDir: string) {
  const env = childEnv({
    WEBHOOK_STACK: 'external',
    WEBHOOK_URL: webhookUrl,
    WEBHOOK_SECRET: DEFAULT_SECRET,
    RATE_LIMIT: rateLimit,
    PERF_BASELINE: '',
    PERF_REPORT_DIR: reportDir,
  });
  const run = await runVitest(['--project', 'performance', ...BURST], env, 150_000);
  const path = join(reportDir, 'burst.json');
  const report = existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as BurstReport) : undefined;
  return { ...run, report };
}

interface BurstReport {
  extra: { limiter?: { ok: boolean; expectedMin: number; expectedMax: number } };
  summaries: Record<string, { statusCodes: Record<string, number> }>;
}

/** Requests the suite saw admitted (answers other than 429) across a report's phases. */
function admittedBySuite(report: BurstReport | undefined): number {
  let admitted = 0;
  for (const summary of Object.values(report?.summaries ?? {})) {
    for (const [status, n] of Object.entries(summary.statusCodes)) if (status !== '429') admitted += n;
  }
  return admitted;
}

async function express(options: Omit<ExpressLimitedOptions, 'secret'>) {
  const service = await startExpressLimited({ secret: DEFAULT_SECRET, ...options });
  closers.push(() => service.close());
  return service;
}

const freshDir = () => mkdtempSync(join(tmpdir(), 'real-limiter-'));

describe('express-rate-limit: a fixed window with RateLimit headers', () => {
  for (const declared of ['fixed:100/10s', 'auto']) {
    it(`declared ${declared}: the burst spec passes twice in a row, the limiter judged; the service saw what the suite counted`, async () => {
      const service = await express({ limit: 100, windowMs: 10_000 });
      const reportDir = freshDir();
      let admitted = 0;
      for (const round of [1, 2]) {
        const run = await burst(service.webhookUrl, declared, reportDir);
        expect(run.code, `round ${round}\n${run.output}`).toBe(0);
        expect(run.output).toMatch(
          /Rate limiting: sent \d+ past the budget: admitted \d+, refused \d+ with 429; the policy a fixed window of 100 requests per 10 s \(RATE_LIMIT=(auto, read as )?fixed:100\/10s\) allows/,
        );
        if (declared === 'auto')
          expect(run.output).toContain(
            'RATE_LIMIT=auto: fixed:100/10s (a fixed window of 100 requests per 10 s), read from ratelimit-policy: 100;w=10',
          );
        expect(run.report?.extra.limiter?.ok).toBe(true);
        admitted += admittedBySuite(run.report) + 1; // and the preflight's probe
      }
      expect(service.answered[200]).toBe(admitted);
    }, 330_000);
  }

  it('negative control: a limit of 150 declared fixed:100/10s fails the burst, naming the policy', async () => {
    const service = await express({ limit: 150, windowMs: 10_000 });
    const run = await burst(service.webhookUrl, 'fixed:100/10s', freshDir());
    expect(run.code, run.output).not.toBe(0);
    expect(run.output).toMatch(
      /the limiter admitted too many: admitted 1\d\d within 10 s .*the declared policy is a fixed window of 100 requests per 10 s \(RATE_LIMIT=fixed:100\/10s\)/,
    );
  }, 180_000);

  it('negative control, auto: headers that state 100 per 10 s in front of a limiter of 150 fail, naming the policy read', async () => {
    const service = await express({ limit: 150, windowMs: 10_000, advertise: 100 });
    const run = await burst(service.webhookUrl, 'auto', freshDir());
    expect(run.code, run.output).not.toBe(0);
    expect(run.output).toMatch(/the limiter admitted too many: .*\(RATE_LIMIT=auto, read as fixed:100\/10s\)/);
  }, 180_000);

  it('auto against a service that sends no rate-limit headers stops before any load, naming RATE_LIMIT and what to declare', async () => {
    const service = await express({ limit: 100, windowMs: 10_000, standardHeaders: false });
    const run = await burst(service.webhookUrl, 'auto', freshDir());
    expect(run.code, run.output).not.toBe(0);
    expect(run.output).toContain("RATE_LIMIT=auto reads the policy from the service's headers, but");
    expect(run.output).toContain('its answer carried none of the rate-limit headers auto reads');
    expect(run.output).toContain('Declare it instead: RATE_LIMIT=');
    expect(service.answered).toEqual({ 200: 1 }); // the probe, nothing else
  }, 120_000);
});

describe('nginx limit_req (a token bucket) in front of the reference stack', () => {
  async function behindNginx(burstSize: number) {
    const stack: StartedStack = await startStack({ webhookEnv: { RATE_LIMIT_ALGORITHM: 'off', LOG_LEVEL: 'warn' } });
    closers.push(() => stack.stop());
    const nginx = await startNginxLimitReq({ upstream: new URL(stack.webhookUrl).origin, rate: '2r/s', burst: burstSize });
    closers.push(() => nginx.close());
    return nginx;
  }

  it('declared bucket:20@2/s: the burst spec passes twice in a row; nginx admitted 21 of the 50 sent at once', async () => {
    const nginx = await behindNginx(20);
    const reportDir = freshDir();
    let admitted = 0;
    for (const round of [1, 2]) {
      const run = await burst(nginx.webhookUrl, 'bucket:20@2/s', reportDir);
      expect(run.code, `round ${round}\n${run.output}`).toBe(0);
      expect(run.output).toMatch(
        /sent 50 past the budget: admitted 2[12], refused 2[89] with 429; the policy a token bucket of 21 \(burst 20\) refilled at 2\/s \(RATE_LIMIT=bucket:20@2\/s\) allows 21-2\d/,
      );
      expect(run.report?.extra.limiter?.ok).toBe(true);
      admitted += admittedBySuite(run.report) + 1;
    }
    expect(nginx.answered()[200]).toBe(admitted);
  }, 330_000);

  it('negative control: burst=30 declared bucket:20@2/s fails the burst, naming the bucket', async () => {
    const nginx = await behindNginx(30);
    const run = await burst(nginx.webhookUrl, 'bucket:20@2/s', freshDir());
    expect(run.code, run.output).not.toBe(0);
    expect(run.output).toMatch(
      /the limiter admitted too many: admitted 3[12] of 50 sent at once while its bucket held at most 2\d tokens .*\(RATE_LIMIT=bucket:20@2\/s\)/,
    );
  }, 180_000);
});
