// Parent side of a stack service: spawn `node --import tsx <entry>` with an IPC channel, wait
// for its "listening" report, and stop it with SIGTERM (SIGKILL after a bound). The child's
// stdout and stderr go to a log file whose tail is quoted when the start fails.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ListeningMessage } from './serve.ts';

/** The repository root: tsx and tsconfig.json resolve from here whatever the caller's cwd. */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export interface ChildService {
  name: string;
  pid: number;
  port: number;
  logFile: string;
  /** Resolves when the process has exited (and been reaped). */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGTERM, then SIGKILL after `killAfterMs`; resolves once the process is gone. */
  stop(killAfterMs?: number): Promise<void>;
}

export interface SpawnServiceOptions {
  name: string;
  /** Absolute path of the service's main.ts. */
  entry: string;
  env: Record<string, string>;
  logFile: string;
  startTimeoutMs: number;
}

export function logTail(file: string, maxLines = 30): string {
  try {
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    return lines.slice(-maxLines).join('\n');
  } catch (error) {
    return `(log unreadable: ${(error as Error).message})`;
  }
}

function isListening(message: unknown): message is ListeningMessage {
  return typeof message === 'object' && message !== null && (message as ListeningMessage).type === 'listening';
}

export async function spawnService({ name, entry, env, logFile, startTimeoutMs }: SpawnServiceOptions): Promise<ChildService> {
  const out = openSync(logFile, 'a');
  let child: ChildProcess;
  try {
    child = spawn(process.execPath, ['--import', 'tsx', entry], {
      cwd: REPO_ROOT,
      env,
      stdio: ['ignore', out, out, 'ipc'],
      // Own process group: a terminal's Ctrl-C reaches only the parent, which stops us in order.
      detached: true,
    });
  } finally {
    closeSync(out);
  }
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolveExit) => {
    child.once('exit', (code, signal) => resolveExit({ code, signal }));
  });

  const fail = (why: string): Error =>
    new Error(`${name} failed to start: ${why}\n--- last lines of ${logFile} ---\n${logTail(logFile)}\n---`);

  const port = await new Promise<number>((resolvePort, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(fail(`no "listening" report within ${startTimeoutMs} ms`));
    }, startTimeoutMs);
    child.on('message', (message) => {
      if (!isListening(message)) return;
      clearTimeout(timer);
      resolvePort(message.port);
    });
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(fail(error.message));
    });
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(fail(`exited with ${signal ?? `code ${code}`} before listening`));
    });
  });

  // From here on the child must not keep the parent alive; if the parent exits without
  // stop(), the IPC channel closes and the child shuts itself down.
  child.unref();
  child.channel?.unref();

  let stopping: Promise<void> | undefined;
  return {
    name,
    pid: child.pid!,
    port,
    logFile,
    exited,
    stop(killAfterMs = 10_000) {
      stopping ??= (async () => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        child.kill('SIGTERM');
        let timer: NodeJS.Timeout | undefined;
        const killed = new Promise<void>((resolveKill) => {
          timer = setTimeout(() => {
            child.kill('SIGKILL');
            resolveKill();
          }, killAfterMs);
        });
        await Promise.race([exited, killed]);
        clearTimeout(timer);
        await exited;
      })();
      return stopping;
    },
  };
}
