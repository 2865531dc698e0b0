// Embedded stack: the Freshdesk mock and the webhook service as child processes on free
// loopback ports. Each child listens on port 0 and reports its real port over IPC (no race
// for a "free" port); the webhook is then pointed at the mock, and health must answer 200.
import { mkdtempSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { REPO_ROOT, logTail, spawnService } from './child-service.ts';
import type { ChildService } from './child-service.ts';

export const DEFAULT_SECRET = 'test_secret_key_12345';
const DEFAULT_API_KEY = 'test_freshdesk_api_key';

export interface StartStackOptions {
  /** WEBHOOK_SECRET of the service (default 'test_secret_key_12345'). */
  secret?: string;
  /** Extra environment for the webhook service (see stack/README.md). PORT sets a fixed port. */
  webhookEnv?: Record<string, string>;
  /** Extra environment for the Freshdesk mock (latency, faults, seed). */
  mockEnv?: Record<string, string>;
  /** Where the children's stdout/stderr go (webhook.log, freshdesk-mock.log); default a fresh temp dir. */
  logDir?: string;
  /** Bound on each child's start and on the first healthy answer (default 20000 ms). */
  startTimeoutMs?: number;
}

export interface StartedStack {
  webhookUrl: string;
  healthUrl: string;
  metricsUrl: string;
  freshdeskUrl: string;
  secret: string;
  logFiles: { webhook: string; mock: string };
  pids: { webhook: number; mock: number };
  /** SIGTERM to the webhook (so requests in flight can still reach the mock), then the mock; waits for both. */
  stop(): Promise<void>;
}

const STACK_DIR = join(REPO_ROOT, 'stack');

// Children get a clean environment: only what a Node process needs plus their own settings,
// so variables of the parent (a PORT, a suite's .env.test) cannot leak into the services.
function baseEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of ['PATH', 'HOME', 'TMPDIR', 'TMP', 'TEMP', 'SYSTEMROOT', 'LANG', 'TZ']) {
    const value = process.env[name];
    if (value !== undefined) env[name] = value;
  }
  return env;
}

function loopbackHost(host: string | undefined): string {
  if (host === undefined || host === '0.0.0.0' || host === '::' || host === '') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

async function waitHealthy(healthUrl: string, deadline: number, webhook: ChildService): Promise<void> {
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    try {
      const response = await fetch(healthUrl, { signal: AbortSignal.timeout(2000) });
      await response.arrayBuffer();
      if (response.status === 200) return;
      last = `status ${response.status}`;
    } catch (error) {
      last = (error as Error).message;
    }
    await sleep(100);
  }
  throw new Error(
    `webhook did not become healthy at ${healthUrl} (${last})\n--- last lines of ${webhook.logFile} ---\n${logTail(webhook.logFile)}\n---`,
  );
}

export async function startStack(options: StartStackOptions = {}): Promise<StartedStack> {
  const secret = options.secret ?? DEFAULT_SECRET;
  const startTimeoutMs = options.startTimeoutMs ?? 20_000;
  const logDir = options.logDir ?? mkdtempSync(join(tmpdir(), 'webhook-stack-'));
  mkdirSync(logDir, { recursive: true });
  const logFiles = { webhook: join(logDir, 'webhook.log'), mock: join(logDir, 'freshdesk-mock.log') };
  const apiKey = options.mockEnv?.FRESHDESK_API_KEY ?? DEFAULT_API_KEY;

  const mock = await spawnService({
    name: 'freshdesk-mock',
    entry: join(STACK_DIR, 'freshdesk-mock', 'main.ts'),
    env: { ...baseEnv(), PORT: '0', HOST: '127.0.0.1', FRESHDESK_API_KEY: apiKey, ...options.mockEnv },
    logFile: logFiles.mock,
    startTimeoutMs,
  });
  const freshdeskUrl = `http://${loopbackHost(options.mockEnv?.HOST)}:${mock.port}`;

  let webhook: ChildService;
  try {
    const deadline = Date.now() + startTimeoutMs;
    webhook = await spawnService({
      name: 'webhook',
      entry: join(STACK_DIR, 'webhook', 'main.ts'),
      env: {
        ...baseEnv(),
        PORT: '0',
        HOST: '127.0.0.1',
        FRESHDESK_URL: freshdeskUrl,
        FRESHDESK_API_KEY: apiKey,
        ...options.webhookEnv,
        WEBHOOK_SECRET: secret,
      },
      logFile: logFiles.webhook,
      startTimeoutMs,
    });
    const base = `http://${loopbackHost(options.webhookEnv?.HOST)}:${webhook.port}`;
    try {
      await waitHealthy(`${base}/webhook/health`, deadline, webhook);
    } catch (error) {
      await webhook.stop(2000);
      throw error;
    }
  } catch (error) {
    await mock.stop(2000);
    throw error;
  }

  const base = `http://${loopbackHost(options.webhookEnv?.HOST)}:${webhook.port}`;
  let stopping: Promise<void> | undefined;
  return {
    webhookUrl: `${base}/webhook/freshdesk`,
    healthUrl: `${base}/webhook/health`,
    metricsUrl: `${base}/webhook/metrics`,
    freshdeskUrl,
    secret,
    logFiles,
    pids: { webhook: webhook.pid, mock: mock.pid },
    stop() {
      stopping ??= (async () => {
        await webhook.stop();
        await mock.stop();
      })();
      return stopping;
    },
  };
}
