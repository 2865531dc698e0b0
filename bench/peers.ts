// The tools ours is compared with: autocannon and loadtest (npm, in-process like ours)
// and wrk (native, a separate process, only where the Debian package is installed).
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon, { type AutocannonResult } from 'autocannon';
import { loadTest } from 'loadtest';
import { Client, type Dispatcher } from 'undici';
import { flatPayload, LOAD_TEST_DEFAULTS, signBody } from '#engine';
import { uniqueSignedRequests } from './signed-body.ts';

export const SECRET = 'test_secret_key_12345';
/** The engine's default signature header (X-Freshdesk-Signature). */
export const SIGNATURE_HEADER = LOAD_TEST_DEFAULTS.signatureHeader;

/** The one body the peers send for every request by default, and its signature. */
export function fixedSignedRequest(): { body: string; headers: Record<string, string> } {
  const body = JSON.stringify(flatPayload(0, 1000));
  return { body, headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: signBody(SECRET, body) } };
}

export interface AutocannonRun {
  result: AutocannonResult;
  /** Every 2xx response time in ms, unrounded (its histogram keeps whole ms). */
  responseTimesMs: number[];
}

export interface AutocannonSettings {
  url: string;
  connections: number;
  durationSeconds: number;
  overallRate?: number;
  /**
   * Equal work: a unique ticket id, body and HMAC signature for every request, built in
   * autocannon's setupRequest hook (signed-body.ts) instead of one fixed signed body.
   */
  uniqueSignedBodies?: boolean;
}

export function runAutocannon(settings: AutocannonSettings): Promise<AutocannonRun> {
  const { body, headers } = fixedSignedRequest();
  const responseTimesMs: number[] = [];
  const unique = settings.uniqueSignedBodies === true ? uniqueSignedRequests(SECRET, SIGNATURE_HEADER, 1_000_000) : null;
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: settings.url,
        method: 'POST',
        connections: settings.connections,
        duration: settings.durationSeconds,
        timeout: 30,
        ...(unique === null
          ? { body, headers }
          : { headers: { 'content-type': 'application/json' }, requests: [{ setupRequest: unique.setupRequest }] }),
        ...(settings.overallRate === undefined ? {} : { overallRate: settings.overallRate }),
      },
      (error, result) => {
        if (error) return reject(error);
        // A hook that stopped being called would quietly turn this back into the fixed-body run.
        if (unique !== null && unique.sent() < result.requests.sent) {
          return reject(new Error(`autocannon built ${unique.sent()} signed bodies for ${result.requests.sent} requests`));
        }
        resolve({ result, responseTimesMs });
      },
    );
    instance.on('response', (_client: unknown, status: number, _bytes: number, responseTimeMs: number) => {
      if (status >= 200 && status < 300) responseTimesMs.push(responseTimeMs);
    });
  });
}

/**
 * The floor under ours: undici itself, with nothing around it. `connections` keep-alive
 * Clients each POST the fixed signed body again the moment the previous answer ends, for
 * `durationSeconds`; no schedule, no samples, no per-request body or signature. Whatever
 * this reaches, an engine built on undici cannot beat. Resolves with the requests completed.
 */
export async function runUndiciLoop(url: string, connections: number, durationSeconds: number): Promise<number> {
  const { body, headers } = fixedSignedRequest();
  const target = new URL(url);
  const request: Dispatcher.DispatchOptions = {
    path: target.pathname,
    method: 'POST',
    headers: Object.entries(headers).flat(),
    body: Buffer.from(body),
  };
  const deadline = performance.now() + durationSeconds * 1000;
  let completed = 0;
  const loop = (client: Client) =>
    new Promise<void>((resolve, reject) => {
      // undici's original callbacks, as ours uses (no adapter or parsed headers per request).
      const handler: Dispatcher.DispatchHandler = {
        onConnect() {},
        onHeaders: () => true,
        onData: () => true,
        onComplete() {
          completed++;
          if (performance.now() < deadline) client.dispatch(request, handler);
          else resolve();
        },
        onError(error) {
          reject(error);
        },
      };
      client.dispatch(request, handler);
    });
  const clients = Array.from(
    { length: connections },
    () => new Client(target.origin, { pipelining: 1, headersTimeout: 0, bodyTimeout: 0 }),
  );
  try {
    await Promise.all(clients.map(loop));
  } finally {
    await Promise.allSettled(clients.map((client) => client.destroy()));
  }
  return completed;
}

export interface LoadtestResult {
  totalRequests: number;
  totalErrors: number;
  effectiveRps: number;
}

/** loadtest at a fixed rate (its open model), keep-alive like the others. */
export async function runLoadtest(
  url: string,
  requestsPerSecond: number,
  totalRequests: number,
  maxSeconds: number,
): Promise<LoadtestResult> {
  const { body, headers } = fixedSignedRequest();
  // Its bundled types describe the callback API of older versions; 8.x returns a promise.
  const run = loadTest as unknown as (options: Record<string, unknown>) => Promise<LoadtestResult>;
  return run({
    url,
    method: 'POST',
    body,
    contentType: 'application/json',
    headers: { [SIGNATURE_HEADER]: headers[SIGNATURE_HEADER] as string },
    requestsPerSecond,
    maxRequests: totalRequests,
    maxSeconds,
    agentKeepAlive: true,
    quiet: true,
  });
}

/** wrk's version line, or null when it is not installed. */
export function wrkVersion(): string | null {
  const probe = spawnSync('wrk', ['--version'], { encoding: 'utf8', timeout: 5000 });
  if (probe.error !== undefined) return null;
  return `${probe.stdout}${probe.stderr}`.split('\n')[0]?.trim() ?? 'wrk';
}

/** wrk with one thread (the generator gets one core, like ours), POSTing the fixed signed body. */
export async function runWrk(url: string, connections: number, durationSeconds: number): Promise<number> {
  const { body, headers } = fixedSignedRequest();
  const dir = mkdtempSync(join(tmpdir(), 'bench-wrk-'));
  const script = join(dir, 'post.lua');
  const lua = [
    'wrk.method = "POST"',
    `wrk.body = ${JSON.stringify(body)}`,
    ...Object.entries(headers).map(([name, value]) => `wrk.headers[${JSON.stringify(name)}] = ${JSON.stringify(value)}`),
  ];
  writeFileSync(script, `${lua.join('\n')}\n`);
  try {
    const output = await new Promise<string>((resolve, reject) => {
      const child = spawn('wrk', ['-t1', `-c${connections}`, `-d${durationSeconds}s`, '-s', script, url], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let text = '';
      child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (text += chunk.toString()));
      const killer = setTimeout(() => child.kill('SIGKILL'), (durationSeconds + 10) * 1000);
      child.on('error', reject);
      child.on('close', (code) => {
        clearTimeout(killer);
        if (code === 0) resolve(text);
        else reject(new Error(`wrk exited with code ${code}: ${text.trim()}`));
      });
    });
    const match = /Requests\/sec:\s+([\d.]+)/.exec(output);
    if (match === null) throw new Error(`wrk printed no "Requests/sec": ${output.trim()}`);
    return Number(match[1]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
