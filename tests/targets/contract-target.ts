// Starts tests/targets/contract_service.py as a child process: a second, independent test target
// (Python standard library, not Node/Fastify like stack/) that behaves as the ORIGINAL service of
// /work/shared/contract.md does: sliding-window rate limit with no Retry-After, 401 on a bad
// signature, duplicates answered 200, integer-ms metrics that are null until the first success.
//
// In a test:
//   const target = await startContractTarget({ rateLimit: '5/2s', processingMs: [1, 2] });
//   ... request(target.webhookUrl, ...) ...
//   await target.stop();
//
// By hand (the Python file needs nothing but python3 >= 3.9):
//   python3 tests/targets/contract_service.py --port 8801
//   python3 tests/targets/contract_service.py --help     (all flags)
// It prints `listening on http://127.0.0.1:<port>` and stops on SIGTERM or Ctrl-C.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const CONTRACT_SERVICE_SCRIPT = fileURLToPath(new URL('./contract_service.py', import.meta.url));

const START_TIMEOUT_MS = 10_000;
const TERM_GRACE_MS = 3_000;
const KILL_WAIT_MS = 2_000;
const STDERR_KEPT_CHARS = 16_384;
const LISTENING = /^listening on (http:\/\/\S+)\s*$/m;

export interface ContractTargetOptions {
  /** `N/Ws` (default `100/60s`, as the original) or `none`. */
  rateLimit?: string;
  /** 429s carry Retry-After (the original sends none). */
  retryAfter?: boolean;
  /** 429s carry exactly this Retry-After (a service that misstates it, e.g. `3600`). */
  retryAfterValue?: string;
  /** 200: processed inside the request (the original); 202: empty answer, processed afterwards. */
  acceptStatus?: 200 | 202;
  /** 401 (the original) or 500 (Debian's `webhook`) for a bad or missing signature. */
  badSignatureStatus?: 401 | 500;
  /** false: GET /webhook/metrics answers 404. */
  metrics?: boolean;
  /** Uniform processing time in ms, [low, high] (default [200, 500]). */
  processingMs?: [number, number];
  /** HMAC key (default `test_secret_key_12345`). */
  secret?: string;
  /** Seed of the processing times (default 1). */
  seed?: number;
  /** Interpreter; else env CONTRACT_TARGET_PYTHON; else `python3`. */
  python?: string;
}

export interface ContractTarget {
  baseUrl: string;
  webhookUrl: string;
  healthUrl: string;
  metricsUrl: string;
  pid: number;
  /** SIGTERM, then SIGKILL after 3 s; resolves once the process has exited. Safe to call twice. */
  stop(): Promise<void>;
}

/** The service's command-line flags for `options` (without the interpreter and script). */
export function contractTargetArgs(options: ContractTargetOptions = {}): string[] {
  const args = ['--host', '127.0.0.1', '--port', '0', '--parent-pid', String(process.pid)];
  if (options.rateLimit !== undefined) args.push('--rate-limit', options.rateLimit);
  if (options.retryAfter) args.push('--retry-after');
  if (options.retryAfterValue !== undefined) args.push('--retry-after-value', options.retryAfterValue);
  if (options.acceptStatus !== undefined) args.push('--accept-status', String(options.acceptStatus));
  if (options.badSignatureStatus !== undefined) args.push('--bad-signature-status', String(options.badSignatureStatus));
  if (options.metrics === false) args.push('--no-metrics');
  if (options.processingMs !== undefined) args.push('--processing-ms', `${options.processingMs[0]}-${options.processingMs[1]}`);
  if (options.secret !== undefined) args.push('--secret', options.secret);
  if (options.seed !== undefined) args.push('--seed', String(options.seed));
  return args;
}

function exited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

/** Resolves true once `child` has exited, false when `withinMs` passed first. */
function waitExit(child: ChildProcess, withinMs: number): Promise<boolean> {
  if (exited(child)) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      child.off('exit', onExit);
      resolve(exited(child));
    }, withinMs);
    const onExit = (): void => {
      clearTimeout(timer);
      resolve(true);
    };
    child.once('exit', onExit);
  });
}

export async function startContractTarget(options: ContractTargetOptions = {}): Promise<ContractTarget> {
  const python = options.python ?? process.env.CONTRACT_TARGET_PYTHON ?? 'python3';
  const child = spawn(python, [CONTRACT_SERVICE_SCRIPT, ...contractTargetArgs(options)], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, PYTHONUNBUFFERED: '1' },
  });

  let stderr = '';
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-STDERR_KEPT_CHARS);
  });

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      if (exited(child)) return;
      child.kill('SIGTERM');
      if (await waitExit(child, TERM_GRACE_MS)) return;
      child.kill('SIGKILL');
      await waitExit(child, KILL_WAIT_MS);
    })();
    return stopping;
  };

  const baseUrl = await new Promise<string>((resolve, reject) => {
    let stdout = '';
    const finish = (error: Error | undefined, url?: string): void => {
      clearTimeout(timer);
      child.stdout!.off('data', onData);
      child.off('exit', onExit);
      child.off('error', onError);
      if (error) reject(error);
      else resolve(url!);
    };
    const onData = (chunk: string): void => {
      stdout = (stdout + chunk).slice(-STDERR_KEPT_CHARS);
      const match = LISTENING.exec(stdout);
      if (match) finish(undefined, match[1]!);
    };
    const onExit = (code: number | null, signal: NodeJS.Signals | null): void => {
      finish(new Error(`contract target exited before listening (code ${code}, signal ${signal}); stderr:\n${stderr}`));
    };
    const onError = (error: Error): void => {
      finish(new Error(`contract target could not start with ${python}: ${error.message}; stderr:\n${stderr}`));
    };
    const timer = setTimeout(() => {
      void stop();
      finish(new Error(`contract target did not print its listening line within ${START_TIMEOUT_MS} ms; stderr:\n${stderr}`));
    }, START_TIMEOUT_MS);
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', onData);
    child.once('exit', onExit);
    child.once('error', onError);
  });
  // Keep draining stdout so the child can never block on a full pipe.
  child.stdout!.resume();

  return {
    baseUrl,
    webhookUrl: `${baseUrl}/webhook/freshdesk`,
    healthUrl: `${baseUrl}/webhook/health`,
    metricsUrl: `${baseUrl}/webhook/metrics`,
    pid: child.pid!,
    stop,
  };
}
