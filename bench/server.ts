// Starts a benchmark server (server-child.ts) in its own process and talks to it over IPC.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ServerCommand, ServerConfig, ServerMessage } from './server-child.ts';

const CHILD = fileURLToPath(new URL('./server-child.ts', import.meta.url));
const START_TIMEOUT_MS = 15_000;
const REPLY_TIMEOUT_MS = 10_000;

export type ServerReport = Extract<ServerMessage, { type: 'report' }>;

export interface BenchServer {
  readonly url: string;
  readonly port: number;
  /**
   * Zeroes the arrival count (and the stall's clock); keepArrivals keeps every arrival time,
   * bucketMs counts arrivals per bucket of that width from the first arrival.
   */
  reset(keepArrivals?: boolean, bucketMs?: number): Promise<void>;
  /** What arrived since the last reset. */
  report(): Promise<ServerReport>;
  close(): Promise<void>;
}

export async function startBenchServer(config: ServerConfig): Promise<BenchServer> {
  const child = fork(CHILD, [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, BENCH_SERVER_CONFIG: JSON.stringify(config) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  try {
    const ready = await nextMessage(child, 'ready', START_TIMEOUT_MS);
    return handle(child, ready.port);
  } catch (error) {
    child.kill();
    throw error;
  }
}

function handle(child: ChildProcess, port: number): BenchServer {
  const command = async <T extends ServerMessage['type']>(message: ServerCommand, reply: T) => {
    const answer = nextMessage(child, reply, REPLY_TIMEOUT_MS);
    child.send(message);
    return answer;
  };
  return {
    port,
    url: `http://127.0.0.1:${port}/webhook/freshdesk`,
    async reset(keepArrivals = false, bucketMs?: number) {
      await command({ type: 'reset', keepArrivals, ...(bucketMs === undefined ? {} : { bucketMs }) }, 'reset');
    },
    report: () => command({ type: 'report' }, 'report'),
    close() {
      return new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.disconnect(); // the child exits on disconnect
        setTimeout(() => child.kill('SIGKILL'), 2000).unref();
      });
    },
  };
}

function nextMessage<T extends ServerMessage['type']>(
  child: ChildProcess,
  type: T,
  timeoutMs: number,
): Promise<Extract<ServerMessage, { type: T }>> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: ServerMessage) => {
      if (message.type !== type) return;
      done();
      resolve(message as Extract<ServerMessage, { type: T }>);
    };
    const onExit = (code: number | null) => {
      done();
      reject(new Error(`bench server exited (code ${code}) before sending "${type}"`));
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error(`bench server sent no "${type}" within ${timeoutMs} ms`));
    }, timeoutMs);
    const done = () => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    child.on('message', onMessage);
    child.on('exit', onExit);
  });
}
